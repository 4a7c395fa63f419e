"""Every number checked: a narrative × the payload the model saw → a verdict per number.

API (pure, no Streamlit)::

    extract_numbers(text: str) -> list[NumberClaim]          # lib/verify/numbers.py
    fact_numbers(payload: dict) -> list[FactNumber]          # lib/verify/matching.py
    verify_numbers(text: str, payload: dict) -> Verdict

    verdict.ok                      # True when every number is supported
    verdict.supported_count, verdict.total
    verdict.summary()               # «Проверено чисел: N из M»
    verdict.unsupported             # tuple[ClaimCheck]: .claim.raw, .reason, .closest (FactNumber: .label, .shown()),
                                    #   .explanation() — one Russian line for the UI list
    verdict.to_dict()               # JSON-safe record for the journal
    verdict.highlighted_markdown()  # Streamlit markdown, unsupported numbers in :red-background[…]
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

Matching (supported when some fact agrees)
- A plain claim agrees with a fact value v when v (or v/100 for a percent fact, «доля 0,17» against
  «доля, %» 17.4) lies in the claim's interval; the interval is the displayed rounding, so a payload
  value 12.64 supports «12,6» and «13» but not «12,7».
- A percent or pp claim agrees with a percent fact (key with `%`, «доля», «процент») as is, or with
  a share |v| ≤ 1 of another key times 100. Counts never support percents, so a swapped count and
  percent is caught.
- Unsigned claims compare with |v| (the sign often moves into words: «снизилась на 3,2»); a claim
  written with a sign must match the sign.
- Years match numeric facts and the years of dates in the payload; date claims match a payload date
  in every part the text states («январь 2013» is supported by "2013-01-01").
- Lengths of payload lists support plain claims («три самых частых значения»); places in a list
  (1…length) support only ordinals («3-е место»).
- Entity binding catches swapped values: a fact inside a list item belongs to that item's names
  (column name, category value). So does a fact inside a dict under a key when the dict has a name
  key («первый период»: {"период": "январь 2013", …} belongs to January 2013); «прочее» and «прочие
  значения» belong to the rest, which a text names «остальные», «прочие» (only inside the claim's
  clause: «сильнее остальных» compares more than it names). Filters are never bound. When the
  claim's clause (or else its sentence) names payload entities and every fact the value matches
  belongs to other entities, the claim is unsupported with reason «other_entity». Other facts
  (totals) are never bound.
- What a text names: entity names verbatim; periods through dates («в июле 2013 года») and through a
  month name without a year («в августе», «июль», «5 января») when only one payload period has that
  month (and day). A claim is about the entities named in its clause and the last one named before
  it in its sentence. Coordinated numbers after coordinated names («F9 и FL … 21,92 и 20,12 минуты
  соответственно», «UA, B6 и EV — 17,4 %, 16,2 % и 16,1 %») pair in order, so a swap inside the list
  is caught; when the counts differ, each number may be about any name of the group.
- Label check for totals: when a plain number matches only unbound facts and the noun right after
  it names another total's key («19 строк» while 19 is «столбцов» and «строк» is 336 776; «46 595
  строках» while 46 595 is «пустых ячеек»), the claim is unsupported with reason «other_label».
  Nouns are compared by Snowball Russian stems.
- Known limits: small integers (2, 3, 5…) are often matched by some fact somewhere, so they are
  weakly checked; a wrong sign is caught only when the sign is written; units (МБ, минуты) are not
  converted.
- Anything else is unsupported, even when arithmetically true: the sum of two facts, a difference,
  a ratio, a share that the payload does not contain. The model must not compute.
"""

from lib.verify.matching import ClaimCheck, FactNumber, Verdict, escape_markdown, fact_numbers, verify_numbers
from lib.verify.numbers import NumberClaim, extract_numbers

VERIFIER_VERSION = "2026-12-01.1"  # bump whenever matching rules change: cached narratives passed the old ones

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
