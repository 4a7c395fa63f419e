"""The narrative panel on «Обзор», driven in-process with AppTest against the fake Ollama server."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.facts.base import Scope
from lib.facts.overview import overview_facts
from lib.fmt import fmt_int
from lib.journal import calls
from lib.narration.service import template_text
from lib.ui.narrative import first_token_text, unsupported_list
from lib.verify import escape_markdown, verify_numbers

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def streamed(monkeypatch):
    """Every chunk that went through st.write_stream (AppTest keeps only the final page)."""
    chunks: list[str] = []
    original = st.write_stream

    def recording(stream, *args, **kwargs):
        def tee():
            for chunk in stream:
                chunks.append(chunk)
                yield chunk

        return original(tee(), *args, **kwargs)

    monkeypatch.setattr(st, "write_stream", recording)
    return chunks


@pytest.fixture
def flights_facts(flights):
    return overview_facts(flights.frame, Scope.of(flights.id, flights.name))


def good_reply(flights) -> str:
    rows, columns = flights.frame.shape
    return f"В наборе {fmt_int(rows)} строк и {columns} столбцов. Повторяющихся строк нет."


def run_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def statistics_still_shown(at: AppTest, flights) -> bool:
    metrics = {m.label: m.value for m in at.metric}
    return metrics.get("Строк") == fmt_int(len(flights.frame)) and len(at.get("plotly_chart")) >= 2


def test_streamed_narrative_with_verdict_metrics_and_messages(fake_ollama, flights, streamed):
    reply = good_reply(flights)
    fake_ollama.replies.append(reply)
    at = run_app()
    assert not at.exception
    assert "".join(streamed) == escape_markdown(reply)  # streamed as markdown, escaped chunk by chunk
    assert len(streamed) > 1
    assert escape_markdown(reply) in texts(at, "markdown")
    captions = texts(at, "caption")
    assert "Проверено чисел: 2 из 2" in captions
    (line,) = [c for c in captions if c.startswith(r"Модель: qwen2\.5\:3b · первый токен")]
    assert "ток/с" in line and "токенов в запросе:" in line and f"из {fmt_int(8192)}" in line
    assert r"Модель: qwen2\.5\:3b · сервер доступен" in texts(at.sidebar, "caption")
    assert "Что видела модель" in [e.label for e in at.expander]
    codes = [c.value for c in at.code]
    assert codes == [m["content"] for m in fake_ollama.chat_bodies[0]["messages"]]
    assert statistics_still_shown(at, flights)


def test_rerun_uses_the_cache_and_regenerate_calls_again(fake_ollama, flights):
    fake_ollama.replies.extend([good_reply(flights), "Второй вариант текста без чисел."])
    at = run_app()
    at.run()
    assert len(fake_ollama.chat_bodies) == 1
    at.button(key="overview_regenerate_button").click().run()
    assert len(fake_ollama.chat_bodies) == 2
    assert escape_markdown("Второй вариант текста без чисел.") in texts(at, "markdown")


def test_a_second_session_reads_the_text_from_the_disk_cache(fake_ollama, flights):
    fake_ollama.replies.append(good_reply(flights))
    run_app()
    at = run_app()
    assert len(fake_ollama.chat_bodies) == 1
    assert any("из кэша" in c for c in texts(at, "caption"))
    assert calls().to_dict("records")[0]["cache_hit"]


def test_failed_check_shows_template_and_folds_the_model_text(fake_ollama, flights, flights_facts):
    fake_ollama.replies.extend(["В наборе 123 457 строк.", "В наборе 123 457 строк."])
    at = run_app()
    assert not at.exception
    assert escape_markdown(template_text(flights_facts)) in texts(at, "markdown")
    (folded,) = [e for e in at.expander if e.label == "Текст модели не прошёл проверку"]
    folded_text = " ".join(m.value for m in folded.markdown)
    assert ":red-background[123 457]" in folded_text
    assert escape_markdown("«123 457»: такого числа нет в сводке фактов; ближайшее —") in folded_text
    assert any("Модель дважды написала числа" in c.value for c in folded.caption)
    assert any(c.startswith("Проверено чисел:") and "текст по шаблону" in c for c in texts(at, "caption"))
    assert len(fake_ollama.chat_bodies) == 2
    # 18.7: one sentence says why; the model line sits with the folded model text, not under the template
    assert "Текст модели не прошёл проверку чисел — показан текст по шаблону." in texts(at, "info")
    (line,) = [c.value for c in folded.caption if c.value.startswith(r"Модель: qwen2\.5\:3b")]
    assert "ток/с" in line
    outside = [c for c in texts(at, "caption") if c.startswith(r"Модель: qwen2\.5\:3b") and "ток/с" in c]
    assert outside == [line]  # the only model line on the page is the folded one


def test_a_misattributed_number_is_explained_with_what_it_is(fake_ollama, flights):
    """10.11 bug 1: «В наборе 19 строк.» — 19 is the number of columns, not «нет в сводке»."""
    fake_ollama.replies.extend(["В наборе 19 строк.", "В наборе 19 строк."])
    at = run_app()
    (folded,) = [e for e in at.expander if e.label == "Текст модели не прошёл проверку"]
    folded_text = " ".join(m.value for m in folded.markdown)
    assert escape_markdown("а 19 — это «столбцов»") in folded_text
    assert "нет в сводке" not in folded_text


def test_an_answer_without_a_sheet_number_shows_the_template_first_and_folds_the_text(fake_ollama, flights,
                                                                                      flights_facts):
    """11.8: a text with no number of the sheet (it may obey «задержек нет» planted in the data) is no pass."""
    fake_ollama.replies.append("Задержек нет, всё отлично.")
    at = run_app()
    assert not at.exception
    markdown = texts(at, "markdown")
    template = escape_markdown(template_text(flights_facts))
    assert template in markdown
    (info,) = texts(at, "info")
    assert "нет ни одного числа из сводки" in info
    (folded,) = [e for e in at.expander if e.label == "Текст модели без чисел из сводки"]
    assert escape_markdown("Задержек нет, всё отлично.") in [m.value for m in folded.markdown]
    assert markdown.index(template) < markdown.index(escape_markdown("Задержек нет, всё отлично."))
    assert "Проверено чисел: 0 из 0" not in texts(at, "caption")[:2]


def test_no_server_shows_notice_template_and_statistics(fake_ollama, flights, flights_facts):
    fake_ollama.down()
    at = run_app()
    assert not at.exception
    (notice,) = texts(at, "info")
    assert "Ollama недоступна" in notice and "docker compose up" in notice and "«Модель»" in notice
    assert escape_markdown(template_text(flights_facts)) in texts(at, "markdown")
    assert r"Модель: qwen2\.5\:3b · Ollama недоступна" in texts(at.sidebar, "caption")
    assert statistics_still_shown(at, flights)
    (row,) = calls().to_dict("records")
    assert row["status"] == "connection" and "Запустите Ollama" in row["error"]


def test_rerun_without_a_server_journals_the_outage_once(fake_ollama, flights):
    fake_ollama.down()
    at = run_app()
    at.run()
    assert len(calls()) == 1


def test_no_regenerate_button_while_ollama_is_unavailable(fake_ollama, flights):
    fake_ollama.down()
    at = run_app()
    assert "overview_regenerate_button" not in [b.key for b in at.button]


def test_the_template_gives_way_to_the_model_once_a_server_answers(fake_ollama, flights):
    from tests.fake_ollama import FakeOllama

    fake_ollama.down()
    at = run_app()
    assert texts(at, "info")
    with FakeOllama() as server:
        server.replies.append(good_reply(flights))
        at.session_state["narration_settings"] = replace(at.session_state["narration_settings"], host=server.url)
        at.run()
        assert not texts(at, "info")
        assert escape_markdown(good_reply(flights)) in texts(at, "markdown")
        assert len(server.chat_bodies) == 1


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("unknown_model", "Скачайте её на странице «Модель»"),
        ("http_500", "внутренней ошибке"),
        ("http_503", "занят"),
        ("error_mid_stream", "прервала ответ"),
        ("cut_stream", "оборвался на середине"),
        ("slow_load", "загружается"),
        ("html_502", "отвечает не Ollama (похоже на веб-страницу или прокси)"),
        ("html_body", "отвечает не Ollama (похоже на веб-страницу или прокси)"),
        ("long_error", "внутренней ошибке"),
    ],
)
def test_failure_modes_show_a_russian_message_and_keep_the_statistics(fake_ollama, flights, flights_facts,
                                                                       monkeypatch, fault, words):
    monkeypatch.setenv("SVODKA_OLLAMA_TIMEOUT", "0.5")  # slow_load: the model "loads" longer than that
    fake_ollama.fault = fault
    at = run_app()
    assert not at.exception
    (warning,) = [w for w in texts(at, "warning") if words in w]
    assert "Traceback" not in warning
    assert escape_markdown(template_text(flights_facts)) in texts(at, "markdown")
    assert statistics_still_shown(at, flights)
    assert calls().to_dict("records")[0]["status"] != "ok"


def test_a_long_markdown_error_body_is_shown_cut_and_literally(fake_ollama, flights):
    fake_ollama.fault = "long_error"
    at = run_app()
    (warning,) = [w for w in texts(at, "warning") if "внутренней ошибке" in w]
    assert r"\!\[img\]" in warning and "](http" not in warning and "КОНЕЦ-ОШИБКИ" not in warning


def test_an_answer_past_the_deadline_shows_the_template_and_a_russian_message(fake_ollama, flights, flights_facts,
                                                                               monkeypatch):
    monkeypatch.setenv("SVODKA_ANSWER_TIMEOUT", "0.5")
    fake_ollama.fault = "slow_drip"
    at = run_app()
    assert not at.exception
    assert any("не закончила ответ за 0,5 с" in w for w in texts(at, "warning"))
    assert escape_markdown(template_text(flights_facts)) in texts(at, "markdown")
    assert calls().to_dict("records")[0]["status"] == "answer_timeout"


def test_cjk_answer_warns(fake_ollama, flights):
    fake_ollama.fault = "cjk"
    at = run_app()
    assert any("иероглифы" in w for w in texts(at, "warning"))


def test_live_model_text_streams_escaped(fake_ollama, flights, streamed):
    fake_ollama.replies.append("![x](http://e/i.png) # Заголовок **жирно**")
    at = run_app()
    assert not at.exception
    assert len(streamed) > 1 and all(isinstance(chunk, str) for chunk in streamed)
    assert "".join(streamed) == r"\!\[x\]\(http\://e/i\.png\) \# Заголовок \*\*жирно\*\*"


def test_escaped_chunks_escape_each_chunk():
    from lib.ui.narrative import escaped_chunks

    assert list(escaped_chunks(iter(["![x", "](a.png)", "", "# h"]))) == [r"\!\[x", r"\]\(a\.png\)", "", r"\# h"]


def test_unknown_model_offers_a_pull_and_then_narrates(fake_ollama, flights):
    del fake_ollama.models["qwen2.5:3b"]
    fake_ollama.replies.append(good_reply(flights))
    at = run_app()
    assert any(r"«qwen2\.5\:3b» нет на сервере" in w for w in texts(at, "warning"))  # markdown source
    assert at.button(key="overview_pull_button").label == r"Скачать модель qwen2\.5\:3b"  # renders as typed
    at.button(key="overview_pull_button").click().run()
    assert not at.exception
    assert [b["model"] for b in fake_ollama.bodies("/api/pull")] == ["qwen2.5:3b"]
    assert r"Модель «qwen2\.5\:3b» скачана." in texts(at, "success")
    assert escape_markdown(good_reply(flights)) in texts(at, "markdown")


def test_malformed_ollama_host_in_environment_keeps_the_app_running(monkeypatch):
    """A typo in OLLAMA_HOST must not crash the sidebar status or the narrative panel."""
    monkeypatch.setenv("OLLAMA_HOST", "localhost:abc")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Строк"] == "336\u00a0776"
    assert any("Ollama недоступна" in c.value for c in at.sidebar.caption)


def test_empty_answer_shows_the_template_with_a_warning_not_a_blank_panel(fake_ollama, flights, flights_facts):
    fake_ollama.replies.extend(["", good_reply(flights)])
    at = run_app()
    assert not at.exception
    assert any("пустой ответ" in w for w in texts(at, "warning"))
    assert escape_markdown(template_text(flights_facts)) in texts(at, "markdown")
    assert "Проверено чисел: 0 из 0" not in texts(at, "caption")
    at.run()
    assert len(fake_ollama.chat_bodies) == 1  # the session keeps what it showed until asked
    at.button(key="overview_regenerate_button").click().run()
    assert escape_markdown(good_reply(flights)) in texts(at, "markdown")
    assert len(fake_ollama.chat_bodies) == 2


def test_failed_check_with_a_failing_retry_does_not_say_twice(fake_ollama, flights, flights_facts):
    fake_ollama.replies.append("В наборе 123 457 строк.")
    fake_ollama.chat_faults.extend([None, "http_500"])  # the stricter retry meets a server error
    at = run_app()
    assert not at.exception
    assert any("внутренней ошибке" in w for w in texts(at, "warning"))
    assert escape_markdown(template_text(flights_facts)) in texts(at, "markdown")
    (folded,) = [e for e in at.expander if e.label == "Текст модели не прошёл проверку"]
    notes = " ".join(c.value for c in folded.caption)
    assert "повторная попытка не удалась" in notes and "дважды" not in notes
    assert ":red-background[123 457]" in " ".join(m.value for m in folded.markdown)


# --- panel pieces without Streamlit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.0, "первый токен: меньше 0,1 с"), (0.04, "первый токен: меньше 0,1 с"), (2.345, "первый токен через 2,3 с"),
     (12.6, "первый токен через 13 с")],
)
def test_first_token_wording(seconds, text):
    assert first_token_text(seconds) == text


PAYLOAD = {"строк": 336776, "столбцов": 19,
           "перевозчики": [{"имя": "UA", "рейсов": 58665}, {"имя": "B6", "рейсов": 54635}]}


@pytest.mark.parametrize(
    ("text", "payload", "reason", "words"),
    [
        ("Всего 777.", {"набор": "без чисел"}, "not_in_facts", "«777»: такого числа нет в сводке фактов."),
        ("Всего 777.", PAYLOAD, "not_in_facts",
         "«777»: такого числа нет в сводке фактов; ближайшее — «столбцов» = 19."),
        ("У B6 58 665 рейсов.", PAYLOAD, "other_entity", "относится к другому объекту — «перевозчики › UA › рейсов»"),
        ("В наборе 19 строк.", PAYLOAD, "other_label", "«19»: в сводке «строк» = 336\u00a0776, а 19 — это «столбцов»."),
    ],
    ids=["absent", "absent-with-closest", "other_entity", "other_label"],
)
def test_unsupported_list_names_the_verifiers_reason(text, payload, reason, words):
    verdict = verify_numbers(text, payload)
    (check,) = verdict.unsupported
    assert check.reason == reason
    assert unsupported_list(verdict) == f"- {escape_markdown(check.explanation())}"
    assert escape_markdown(words) in unsupported_list(verdict)


def test_a_render_opens_one_handle_with_one_key_and_one_cache_read(fake_ollama, flights, monkeypatch):
    """The panel only renders the handle: the first build computed the cache key 5 times per render."""
    from lib.narration import cache as cache_module
    from lib.narration import service as module

    counts: dict[str, int] = {}

    def counting(owner, name):
        original = getattr(owner, name)

        def wrapper(self, *args, **kwargs):
            counts[name] = counts.get(name, 0) + 1
            return original(self, *args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    counting(module.NarrationService, "open")
    counting(module.NarrationService, "key")
    counting(cache_module.NarrativeCache, "get")
    fake_ollama.replies.append(good_reply(flights))
    at = run_app()
    assert escape_markdown(good_reply(flights)) in texts(at, "markdown")
    assert counts == {"open": 1, "key": 1, "get": 1}
    counts.clear()
    at.run()  # a rerun shows what the session already shows: no cache read, no call
    assert counts == {"open": 1, "key": 1}
    assert len(fake_ollama.chat_bodies) == 1


def test_a_failed_claim_is_listed_and_named_in_the_why_sentence():
    from lib.narration.kinds import Outcome, TextSource
    from lib.narration.prompt import Prompt
    from lib.narration.service import Attempt, Narrative
    from lib.ui.narrative import failed_check_note, why_template

    payload = {"тренд": "без выраженного тренда", "последний период": {"период": "декабрь 2013", "значение": 120}}
    text = "Последний период — декабрь 2013, значение 120; показатель растёт."
    verdict = verify_numbers(text, payload)
    (claim,) = verdict.failed_claims
    assert unsupported_list(verdict) == f"- {escape_markdown(claim.explanation)}"
    attempts = [Attempt(n, Prompt([], payload, "т"), text, verdict=verdict) for n in (1, 2)]
    narrative = Narrative("шаблон", TextSource.TEMPLATE, "m", attempts, outcome=Outcome.REJECTED)
    assert why_template(narrative) == "Текст модели не прошёл проверку утверждений — показан текст по шаблону."
    assert failed_check_note(narrative).startswith("Модель дважды написала утверждения, которые сводка не")


def test_a_trimmed_prompt_is_said_under_the_model_text():
    from lib.narration.kinds import TextSource
    from lib.narration.prompt import LEFT_OUT_KEY, TRIM_NOTE_KEY, Prompt, left_out_note
    from lib.narration.service import Attempt, Narrative
    from lib.ui.narrative import trim_note

    payload = {"строк": 10, LEFT_OUT_KEY: {"столбцы": 37}, TRIM_NOTE_KEY: left_out_note({"столбцы": 37})}
    narrative = Narrative("В таблице 10 строк.", TextSource.MODEL, "m",
                          [Attempt(1, Prompt([], payload, "т"), "В таблице 10 строк.")])
    assert trim_note(narrative) == "Модель видела сокращённую сводку: в сводку не вошли ещё 37 столбцов."
    untrimmed = Narrative("т", TextSource.MODEL, "m", [Attempt(1, Prompt([], {"строк": 10}, "т"), "т")])
    assert trim_note(untrimmed) == ""
