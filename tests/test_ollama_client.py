"""The Ollama gateway against the fake server, through the real `ollama` client."""

from __future__ import annotations

import time

import httpx
import ollama
import pytest

from lib.errors import NarrationError
from lib.fmt import fmt_int
from lib.narration.ollama import ANSWER_CHAR_CAP, ERROR_TEXT_LIMIT, OllamaGateway, base_url, plain_text
from lib.narration.settings import NarrationSettings
from tests.fake_ollama import DEFAULT_REPLY, LONG_ERROR

MESSAGES = [{"role": "system", "content": "Отвечай по-русски."}, {"role": "user", "content": "Привет"}]


def chat(gateway: OllamaGateway, model: str = "qwen2.5:3b", **kwargs):
    stream = gateway.chat_stream(model, MESSAGES, options={"num_ctx": 4096}, keep_alive="5m", **kwargs)
    chunks = list(stream)
    return stream, chunks


def failure(gateway: OllamaGateway, model: str = "qwen2.5:3b") -> NarrationError:
    with pytest.raises(NarrationError) as caught:
        chat(gateway, model)
    return caught.value


def test_stream_yields_every_chunk_and_final_metrics(fake_ollama):
    fake_ollama.replies.append("Строк ровно 42. Всё хорошо.")
    stream, chunks = chat(OllamaGateway(fake_ollama.url, 10))
    assert chunks == ["Строк ", "ровно ", "42. ", "Всё ", "хорошо."]
    assert stream.text == "Строк ровно 42. Всё хорошо."
    assert stream.done
    metrics = stream.metrics
    assert metrics.eval_count == 5 and metrics.eval_duration == 1_000_000_000
    assert metrics.tokens_per_second == pytest.approx(5.0)
    assert metrics.done_reason == "stop"
    assert metrics.first_token_seconds is not None and metrics.wall_seconds >= metrics.first_token_seconds


def test_request_body_carries_model_options_keep_alive_and_no_think_for_qwen25(fake_ollama):
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b", num_ctx=6144, num_predict=300)
    gateway = OllamaGateway(fake_ollama.url, 10)
    list(gateway.chat_stream(settings.model, MESSAGES, options=settings.options(), keep_alive="30m", think=False))
    (body,) = fake_ollama.chat_bodies
    assert body["model"] == "qwen2.5:3b"
    assert body["stream"] is True
    assert body["messages"] == MESSAGES
    assert body["keep_alive"] == "30m"
    assert body["options"] == {"temperature": 0.2, "top_p": 0.9, "top_k": 40, "repeat_penalty": 1.1,
                               "num_ctx": 6144, "num_predict": 300, "seed": 42}
    assert "think" not in body


def test_think_false_is_sent_to_a_thinking_model(fake_ollama):
    chat(OllamaGateway(fake_ollama.url, 10), "qwen3:4b")
    (body,) = fake_ollama.chat_bodies
    assert body["think"] is False


def test_capabilities_are_asked_once_per_model(fake_ollama):
    gateway = OllamaGateway(fake_ollama.url, 10)
    chat(gateway)
    chat(gateway)
    assert len(fake_ollama.bodies("/api/show")) == 1
    assert gateway.capabilities("qwen3:4b") == frozenset({"completion", "tools", "thinking"})


def test_context_length_comes_from_model_info(fake_ollama):
    assert OllamaGateway(fake_ollama.url, 10).context_length("qwen2.5:3b") == 32768


def test_version_and_model_list(fake_ollama):
    gateway = OllamaGateway(fake_ollama.url, 10)
    assert gateway.version() == "0.33.0"
    models = {m.name: m for m in gateway.list_models()}
    assert set(models) == {"qwen2.5:3b", "qwen2.5:0.5b", "qwen3:4b"}
    assert models["qwen2.5:3b"].parameter_size == "3.1B"
    assert models["qwen2.5:3b"].quantization == "Q4_K_M"
    assert models["qwen2.5:3b"].size == 1_929_912_432


def test_pull_streams_progress_until_success_and_the_model_appears(fake_ollama):
    gateway = OllamaGateway(fake_ollama.url, 10)
    progress = list(gateway.pull("qwen2.5:7b"))
    assert progress[0].status == "pulling manifest"
    assert [(p.completed, p.total) for p in progress if p.total] == [(0, 1_000_000), (500_000, 1_000_000),
                                                                      (1_000_000, 1_000_000)]
    assert progress[-1].status == "success"
    assert "qwen2.5:7b" in {m.name for m in gateway.list_models()}


def test_pull_of_a_missing_model_is_a_russian_error(fake_ollama):
    with pytest.raises(NarrationError) as caught:
        list(OllamaGateway(fake_ollama.url, 10).pull("qwen9:1b"))
    assert "Не удалось скачать модель «qwen9:1b»" in plain_text(caught.value.user_message)  # rendered text


def test_server_down_before_any_call_is_connection(fake_ollama):
    fake_ollama.down()
    error = failure(OllamaGateway(fake_ollama.url, 10))
    assert error.kind == "connection"
    assert "Запустите Ollama" in error.user_message and "docker compose up" in error.user_message
    assert "OLLAMA_HOST" in error.user_message and "«Модель»" in error.user_message


def test_server_down_during_streaming_call_is_connection(fake_ollama):
    """Capabilities already known: the streaming chat itself meets the refused connection (httpx.ConnectError)."""
    gateway = OllamaGateway(fake_ollama.url, 10)
    chat(gateway)
    fake_ollama.down()
    error = failure(gateway)
    assert error.kind == "connection"
    assert isinstance(error.__cause__, httpx.ConnectError)


def test_version_when_server_down_is_connection(fake_ollama):
    fake_ollama.down()
    with pytest.raises(NarrationError) as caught:
        OllamaGateway(fake_ollama.url, 10).version(timeout=1)
    assert caught.value.kind == "connection"


def test_unknown_model_offers_to_pull(fake_ollama):
    error = failure(OllamaGateway(fake_ollama.url, 10), "qwen2.5:14b")
    assert error.kind == "not_found"
    assert "«qwen2.5:14b»" in plain_text(error.user_message) and "Скачайте" in error.user_message
    assert "ollama pull qwen2.5:14b" in error.user_message


def test_timeout_while_the_model_loads(fake_ollama):
    fake_ollama.fault = "slow_load"
    fake_ollama.load_seconds = 5
    error = failure(OllamaGateway(fake_ollama.url, 0.3))
    assert error.kind == "timeout"
    assert "загружается" in error.user_message and "0,3" in error.user_message


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        ("http_500", "server", "внутренней ошибке"),
        ("http_503", "busy", "занят"),
        ("http_400", "bad_request", "отклонила запрос"),
        ("error_mid_stream", "stream_error", "прервала ответ"),
        ("cut_stream", "stream_cut", "оборвался"),
    ],
)
def test_server_failures_become_russian_errors(fake_ollama, fault, kind, words):
    fake_ollama.fault = fault
    error = failure(OllamaGateway(fake_ollama.url, 10))
    assert error.kind == kind
    assert words in error.user_message
    assert "Traceback" not in error.user_message


def test_text_before_a_mid_stream_error_is_kept(fake_ollama):
    fake_ollama.fault = "error_mid_stream"
    fake_ollama.replies.append("Первое второе третье четвёртое")
    stream = OllamaGateway(fake_ollama.url, 10).chat_stream("qwen2.5:3b", MESSAGES, options={}, keep_alive=None)
    with pytest.raises(NarrationError):
        list(stream)
    assert stream.text == "Первое второе "
    assert not stream.done


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("", "http://127.0.0.1:11434"),
        ("ollama", "http://ollama:11434"),
        ("ollama:11434", "http://ollama:11434"),
        ("http://ollama:11434/", "http://ollama:11434"),
        ("https://gpu.example", "https://gpu.example:443"),
        (":9999", "http://127.0.0.1:9999"),
    ],
)
def test_base_url_reads_ollama_host_like_the_client(host, url):
    assert base_url(host) == url


def test_client_gets_an_explicit_timeout():
    gateway = OllamaGateway("http://127.0.0.1:9", 42)
    timeout = gateway.client._client.timeout
    assert timeout.read == 42 and timeout.connect == 5


@pytest.mark.parametrize("host", ["localhost:abc", "не адрес", "ftp://example.org:21"])
def test_malformed_host_becomes_a_russian_bad_host_error(host):
    from lib.errors import NarrationError
    from lib.narration.ollama import OllamaGateway

    with pytest.raises(NarrationError) as caught:
        OllamaGateway(host, 1.0)
    assert caught.value.kind == "bad_host"
    assert "не похоже на адрес сервера Ollama" in caught.value.user_message


@pytest.mark.parametrize(("keep_alive", "sent"), [("-1", -1), ("3600", 3600), (" 0 ", 0), ("1.5", 1.5),
                                                   ("30m", "30m"), ("-1m", "-1m")])
def test_keep_alive_without_unit_is_sent_as_a_number_of_seconds(fake_ollama, keep_alive, sent):
    """Ollama reads a JSON number as seconds but parses a string as a Go duration, which needs a unit."""
    stream = OllamaGateway(fake_ollama.url, 10).chat_stream("qwen2.5:3b", MESSAGES, options={}, keep_alive=keep_alive)
    assert "".join(stream) == DEFAULT_REPLY
    (body,) = fake_ollama.chat_bodies
    # a JSON number (the client's pydantic model writes -1 as -1.0, which Ollama reads the same)
    assert body["keep_alive"] == sent and isinstance(body["keep_alive"], str) == isinstance(sent, str)


def test_keep_alive_from_the_environment_reaches_the_server_as_seconds(fake_ollama, monkeypatch):
    monkeypatch.setenv("SVODKA_KEEP_ALIVE", "-1")
    settings = NarrationSettings.from_config()
    gateway = OllamaGateway(fake_ollama.url, 10)
    stream = gateway.chat_stream(settings.model, MESSAGES, options=settings.options(), keep_alive=settings.keep_alive)
    assert "".join(stream) == DEFAULT_REPLY
    assert fake_ollama.chat_bodies[0]["keep_alive"] == -1  # a number: the string "-1" would not compare equal


def test_fake_server_rejects_a_keep_alive_string_without_unit_like_ollama(fake_ollama):
    """Pins the fake's behaviour the two tests above rely on: the bare string is what used to go out."""
    gateway = OllamaGateway(fake_ollama.url, 10)
    request = gateway.chat_request("qwen2.5:3b", MESSAGES, options={}, keep_alive="30m", think=None)
    request["keep_alive"] = "3600"
    with pytest.raises(ollama.ResponseError) as caught:
        list(gateway.client.chat(model="qwen2.5:3b", stream=True, **request))
    assert caught.value.status_code == 400 and "missing unit" in caught.value.error


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_calls_ignore_proxy_variables(fake_ollama, monkeypatch, variable):
    """Local-first: with a proxy in the environment, chat and the model list still go straight to Ollama,
    like the status probe (a proxy that refuses connections would make them fail)."""
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setenv(variable, "http://127.0.0.1:9")
    gateway = OllamaGateway(fake_ollama.url, 10)
    assert "".join(gateway.chat_stream("qwen2.5:3b", MESSAGES, options={}, keep_alive="5m")) == DEFAULT_REPLY
    assert "qwen2.5:3b" in {m.name for m in gateway.list_models()}
    assert gateway.version(timeout=1) == "0.33.0"


# --- limits (14.3): one deadline per answer, a length cap, HTML bodies, long error bodies ---------------------


def test_an_endless_slow_drip_ends_at_the_answer_deadline(fake_ollama):
    fake_ollama.fault = "slow_drip"
    fake_ollama.chunk_delay = 0.02  # every read is quick, so only an overall deadline can end it
    gateway = OllamaGateway(fake_ollama.url, 10)
    started = time.perf_counter()
    with pytest.raises(NarrationError) as caught:
        list(gateway.chat_stream("qwen2.5:3b", MESSAGES, options={}, keep_alive="5m", deadline=0.5))
    elapsed = time.perf_counter() - started
    assert caught.value.kind == "answer_timeout"
    assert 0.5 <= elapsed < 5
    assert "SVODKA_ANSWER_TIMEOUT" in caught.value.user_message and "0,5 с" in caught.value.user_message


def test_a_huge_answer_stops_at_the_character_cap_and_keeps_only_the_cap(fake_ollama):
    fake_ollama.fault = "huge"
    gateway = OllamaGateway(fake_ollama.url, 10)
    stream = gateway.chat_stream("qwen2.5:3b", MESSAGES, options={}, keep_alive="5m", max_chars=1000)
    with pytest.raises(NarrationError) as caught:
        list(stream)
    assert caught.value.kind == "too_long"
    assert len(stream.text) == 1000 and stream.text == ("слово " * 200)[:1000]
    assert f"{fmt_int(ANSWER_CHAR_CAP)} символов" in caught.value.user_message


def test_an_html_page_instead_of_json_is_not_ollama(fake_ollama):
    fake_ollama.fault = "html_body"
    error = failure(OllamaGateway(fake_ollama.url, 10))
    assert error.kind == "not_ollama"
    assert (f"По адресу {fake_ollama.url} отвечает не Ollama (похоже на веб-страницу или прокси)"
            in plain_text(error.user_message))
    assert "<html" not in error.user_message.lower()


def test_the_status_probe_on_an_html_page_is_not_ollama_either(fake_ollama):
    fake_ollama.fault = "html_body"
    with pytest.raises(NarrationError) as caught:
        OllamaGateway(fake_ollama.url, 10).version()
    assert caught.value.kind == "not_ollama"


def test_a_proxy_502_html_page_is_not_ollama(fake_ollama):
    fake_ollama.fault = "html_502"
    assert failure(OllamaGateway(fake_ollama.url, 10)).kind == "not_ollama"


def test_a_long_error_body_is_cut_to_300_characters_and_escaped(fake_ollama):
    fake_ollama.fault = "long_error"
    error = failure(OllamaGateway(fake_ollama.url, 10))
    assert error.kind == "server"
    shown = error.user_message.split("внутренней ошибке: ", 1)[1].split(". Попробуйте ещё раз", 1)[0]
    plain = shown.replace("\\", "")  # the escaping backslashes are not characters the user sees
    assert len(plain) == ERROR_TEXT_LIMIT and plain.endswith("…")
    assert plain[:-1].rstrip() == " ".join(LONG_ERROR.split())[: ERROR_TEXT_LIMIT - 1].rstrip()
    assert "КОНЕЦ-ОШИБКИ" not in error.user_message
    assert "![img]" not in error.user_message and r"\!\[img\]" in error.user_message
    assert "](http" not in error.user_message
    assert "КОНЕЦ-ОШИБКИ" in error.detail  # the whole text stays in the log and the journal


def test_a_server_gone_silent_mid_answer_ends_at_the_deadline_not_the_read_timeout(fake_ollama):
    fake_ollama.fault = "stall"  # two chunks, then 5 s of silence; every read may wait 10 s
    fake_ollama.load_seconds = 5.0
    fake_ollama.replies.append("Строк ровно 42. Всё хорошо.")
    gateway = OllamaGateway(fake_ollama.url, 10)
    stream = gateway.chat_stream("qwen2.5:3b", MESSAGES, options={}, keep_alive="5m", deadline=0.5)
    started = time.perf_counter()
    with pytest.raises(NarrationError) as caught:
        list(stream)
    assert time.perf_counter() - started < 3
    assert caught.value.kind == "answer_timeout"
    assert stream.text == "Строк ровно "  # what arrived before the silence is kept
