"""The only module that talks to Ollama: an explicit `ollama.Client` with a real timeout.

Every failure leaves this module as `NarrationError(user_message, kind=...)`; the Russian message says
what happened and what to do, the kind goes to the journal. Notes on the client (ollama 0.6):
non-streaming calls turn a refused connection into the built-in `ConnectionError`, streaming calls let
`httpx.ConnectError` escape on first iteration; an `{"error": …}` line mid-stream raises `ResponseError`
with status -1; a stream that simply stops ends the iterator without a `done` line.

Limits: every read waits at most the gateway's timeout; a streamed answer as a whole ends after `deadline`
seconds (checked at every chunk, so a slow endless drip ends too) or `max_chars` characters. A body that
is a web page instead of JSON means something else answers at that address (a proxy, a captive portal).
Server error texts reach the user cut to ERROR_TEXT_LIMIT characters and markdown-escaped.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import httpx
import ollama
import pydantic

from lib.errors import NarrationError
from lib.fmt import fmt_int, fmt_num
from lib.narration.kinds import ErrorKind
from lib.verify import escape_markdown

T = TypeVar("T")
DEFAULT_PORT = 11434
BARE_NUMBER = re.compile(r"-?\d+(\.\d+)?")
ANSWER_CHAR_CAP = 20_000  # characters: a narrative is 3–6 sentences; anything this long is runaway output
ERROR_TEXT_LIMIT = 300  # characters of a server's error text shown to the user
HTML_START = re.compile(r"^\s*<(?:!doctype|html|head|body|\?xml|title|meta)\b", re.IGNORECASE)
STATUS_TIMEOUT = 0.5  # seconds per phase (connect, read): the status probe holds a page up ~1 s at most
STATUS_TTL = 15.0  # seconds a status probe's answer is reused

MESSAGES: dict[ErrorKind, str] = {
    ErrorKind.BAD_HOST: (
        "«{host}» не похоже на адрес сервера Ollama. Введите адрес в виде http://127.0.0.1:11434 "
        "(http или https, имя или IP-адрес сервера, порт) на странице «Модель» или в OLLAMA_HOST."
    ),
    ErrorKind.CONNECTION: (
        "Не удаётся подключиться к Ollama по адресу {host}. Запустите Ollama (`ollama serve`) "
        "или `docker compose up`, либо укажите другой адрес сервера (OLLAMA_HOST) на странице «Модель»."
    ),
    ErrorKind.NOT_FOUND: (
        "Модели «{model}» нет на сервере Ollama. Скачайте её на странице «Модель» (кнопка «Скачать модель») "
        "или командой {pull_command}, либо выберите другую модель."
    ),
    ErrorKind.TIMEOUT: (
        "Ollama не ответила за {timeout} с. Скорее всего, модель ещё загружается в память: подождите минуту "
        "и нажмите «Сгенерировать заново». Если так повторяется, увеличьте SVODKA_OLLAMA_TIMEOUT "
        "или выберите модель поменьше на странице «Модель»."
    ),
    ErrorKind.ANSWER_TIMEOUT: (
        "Модель не закончила ответ за {timeout} с (предел SVODKA_ANSWER_TIMEOUT), поэтому ответ остановлен "
        "и ниже текст по шаблону. Выберите модель поменьше на странице «Модель» или увеличьте "
        "SVODKA_ANSWER_TIMEOUT."
    ),
    ErrorKind.TOO_LONG: (
        "Ответ модели превысил {limit} символов (так бывает, когда модель зацикливается), поэтому он "
        "остановлен и ниже текст по шаблону. Нажмите «Сгенерировать заново» или выберите другую модель "
        "на странице «Модель»."
    ),
    ErrorKind.NOT_OLLAMA: (
        "По адресу {host} отвечает не Ollama (похоже на веб-страницу или прокси). Проверьте адрес сервера "
        "(OLLAMA_HOST) на странице «Модель»: нужен адрес самой Ollama, например http://127.0.0.1:11434."
    ),
    ErrorKind.SERVER: (
        "Сервер Ollama сообщил о внутренней ошибке: {error}. Попробуйте ещё раз; если ошибка повторяется, "
        "перезапустите Ollama или выберите модель поменьше (возможно, не хватает памяти)."
    ),
    ErrorKind.BUSY: (
        "Сервер Ollama занят другими запросами (очередь переполнена). Подождите немного "
        "и нажмите «Сгенерировать заново»."
    ),
    ErrorKind.BAD_REQUEST: (
        "Ollama отклонила запрос: {error}. Проверьте настройки на странице «Модель» "
        "(размер контекста, модель) и попробуйте ещё раз."
    ),
    ErrorKind.STREAM_ERROR: (
        "Ollama прервала ответ с ошибкой: {error}. Нажмите «Сгенерировать заново»; если ошибка повторяется, "
        "перезапустите Ollama или выберите другую модель."
    ),
    ErrorKind.STREAM_CUT: (
        "Ответ Ollama оборвался на середине (соединение закрылось раньше конца ответа). "
        "Нажмите «Сгенерировать заново»; если так повторяется, проверьте, что сервер Ollama не перезапускается."
    ),
    ErrorKind.PULL: (
        "Не удалось скачать модель «{model}»: {error}. Проверьте имя модели (например, qwen2.5:3b) "
        "и что у сервера Ollama есть доступ в интернет."
    ),
    ErrorKind.UNKNOWN: (
        "Ollama ответила неожиданно: {error}. Попробуйте ещё раз или проверьте сервер на странице «Модель»."
    ),
}


def base_url(host: str) -> str:
    """`OLLAMA_HOST` as the client reads it: scheme and port added when missing ('ollama' → http://ollama:11434)."""
    host = (host or "").strip().rstrip("/") or f"127.0.0.1:{DEFAULT_PORT}"
    scheme, _, rest = host.rpartition("://")
    scheme = scheme or "http"
    hostport, slash, path = rest.partition("/")
    if hostport.startswith(":"):
        hostport = "127.0.0.1" + hostport
    has_port = hostport.rsplit("]", 1)[-1].count(":") == 1
    if not has_port:
        if "://" in host:
            hostport += ":443" if scheme == "https" else ":80"
        else:
            hostport += f":{DEFAULT_PORT}"
    return f"{scheme}://{hostport}{slash}{path}"


def shown_error(text: str) -> str:
    """A server's error text as the user sees it: one line, at most ERROR_TEXT_LIMIT characters, escaped."""
    line = " ".join(str(text).split())
    if len(line) > ERROR_TEXT_LIMIT:
        line = line[: ERROR_TEXT_LIMIT - 1].rstrip() + "…"
    return escape_markdown(line)


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>$~:=])")


def plain_text(message: str) -> str:
    """A user message without the backslashes `escape_markdown` put before a server's text: what the journal
    stores (its table and CSV show text, not markdown)."""
    return _ESCAPED.sub(r"\1", message)


_CODE_SAFE = re.compile(r"[\w.:/@+-]+")


def pull_command(model: str) -> str:
    """`ollama pull MODEL` as markdown: a code span for an ordinary tag (escapes would show inside one),
    escaped plain text for a name that could break out of it."""
    if _CODE_SAFE.fullmatch(model):
        return f"`ollama pull {model}`"
    return "ollama pull " + escape_markdown(" ".join(model.split()))


def narration_error(kind: ErrorKind | str, *, host: str = "", model: str = "", timeout: float = 0, error: str = "",
                    detail: str = "") -> NarrationError:
    """The error of `kind` with its Russian message; `error` (a server's text) is cut and escaped there,
    the host and the model name escaped (they reach st.error as markdown), and `error` kept whole (up to a
    few thousand characters) in `detail` for the log and the journal."""
    kind = ErrorKind(kind)
    message = MESSAGES[kind].format(host=escape_markdown(" ".join(str(host).split())),
                                    model=escape_markdown(" ".join(str(model).split())),
                                    pull_command=pull_command(model), timeout=fmt_num(timeout),
                                    limit=fmt_int(ANSWER_CHAR_CAP),
                                    error=shown_error(error) if error else "нет подробностей")
    return NarrationError(message, kind=kind, detail=(detail or error)[:4000])


def looks_like_html(text: str | None) -> bool:
    return bool(text) and HTML_START.match(str(text)) is not None


def keep_alive_value(value: str | float | None) -> str | float | None:
    """`keep_alive` as Ollama parses it: a JSON number means seconds (negative: forever), a string must carry a
    unit ("30m", "1h"). SVODKA_KEEP_ALIVE=-1 or 3600 arrives as text and would be rejected (400, missing unit)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if BARE_NUMBER.fullmatch(text):
        return int(text) if text.lstrip("-").isdigit() else float(text)
    return text


@dataclass(frozen=True)
class ModelInfo:
    name: str
    size: int | None
    family: str | None
    parameter_size: str | None
    quantization: str | None
    modified_at: str | None


@dataclass
class CallMetrics:
    """Usage of one call, from the final `done` line (any value may be missing) plus our own clocks."""

    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None
    prompt_eval_duration: int | None = None
    eval_count: int | None = None
    eval_duration: int | None = None
    done_reason: str | None = None
    first_token_seconds: float | None = None
    wall_seconds: float | None = None

    @property
    def tokens_per_second(self) -> float | None:
        if not self.eval_count or not self.eval_duration:
            return None
        return self.eval_count / self.eval_duration * 1e9

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CallMetrics:
        data = data or {}
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class PullProgress:
    status: str
    completed: int | None
    total: int | None


class ChatStream:
    """Iterator of text chunks of one streamed chat. After exhaustion `.text`, `.metrics` and `.done` are set.

    Raises `NarrationError` from the iteration; `.text` then holds what arrived before the failure.
    """

    def __init__(self, gateway: OllamaGateway, model: str, request: dict[str, Any], *,
                 deadline: float | None = None, max_chars: int | None = None) -> None:
        self._gateway = gateway
        self._model = model
        self._request = request
        self._deadline = deadline
        self._max_chars = max_chars
        self._parts: list[str] = []
        self.metrics = CallMetrics()
        self.done = False
        self._started = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def __iter__(self) -> Iterator[str]:
        if self._started:
            raise RuntimeError("a ChatStream can be iterated only once")
        self._started = True
        return self._chunks()

    def _chunks(self) -> Iterator[str]:
        start = time.perf_counter()
        length = 0
        parts: Iterator[Any] | None = None
        try:
            parts = self._stream_parts(start)
            for part in parts:
                content = (part.message.content or "") if part.message is not None else ""
                if content:
                    if self.metrics.first_token_seconds is None:
                        self.metrics.first_token_seconds = time.perf_counter() - start
                    if self._max_chars is not None and length + len(content) > self._max_chars:
                        self._parts.append(content[: self._max_chars - length])
                        raise self._limit(ErrorKind.TOO_LONG, f"answer longer than {self._max_chars} characters")
                    length += len(content)
                    self._parts.append(content)
                    yield content
                if part.done:
                    self.done = True
                    for name in ("total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration",
                                 "eval_count", "eval_duration", "done_reason"):
                        setattr(self.metrics, name, getattr(part, name, None))
        except NarrationError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes a NarrationError with a Russian message
            raise self._gateway.translate(exc, self._model) from exc
        finally:
            close = getattr(parts, "close", None)
            if close is not None:
                close()  # leaving the generator early closes the HTTP response: the server stops generating
            self.metrics.wall_seconds = time.perf_counter() - start
        if not self.done:
            raise self._gateway.translate(_StreamCut(), self._model)

    def _stream_parts(self, start: float) -> Iterator[Any]:
        """The client's stream parts. With a deadline they are read in a helper thread and handed over through
        a queue, so the deadline holds even while a read blocks (a server gone silent mid-answer): closing the
        client from another thread does not wake a blocked socket read. The helper ends at its next part, or
        at the read timeout, and closes the response."""
        chat = self._gateway.client.chat(model=self._model, stream=True, **self._request)
        if self._deadline is None:
            yield from chat
            return
        handover: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()

        def read() -> None:
            try:
                for part in chat:
                    handover.put(("part", part))
                    if stop.is_set():
                        break
                handover.put(("end", None))
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer, who translates it
                handover.put(("error", exc))
            finally:
                close = getattr(chat, "close", None)  # the client's stream is a generator: closing ends the response
                if close is not None:
                    close()

        threading.Thread(target=read, name="ollama-stream", daemon=True).start()
        end = start + self._deadline
        try:
            while True:
                try:
                    kind, value = handover.get(timeout=max(0.0, end - time.perf_counter()))
                except queue.Empty:
                    raise self._limit(ErrorKind.ANSWER_TIMEOUT,
                                      f"answer not finished in {self._deadline} s") from None
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                yield value
        finally:
            stop.set()

    def _limit(self, kind: ErrorKind, detail: str) -> NarrationError:
        return narration_error(kind, host=self._gateway.url, model=self._model, timeout=self._deadline or 0,
                               detail=detail)


class _StreamCut(Exception):
    """The stream ended without a `done: true` line."""


class OllamaGateway:
    """One server. Cheap to keep around (one pooled httpx client inside); capabilities are cached per model."""

    def __init__(self, host: str, timeout: float) -> None:
        self.host = host
        self.timeout = float(timeout)
        try:
            self.url = base_url(host)
            parsed = httpx.URL(self.url)
            if parsed.scheme not in ("http", "https") or not parsed.host:
                raise ValueError(self.url)
            # local-first: Ollama is never reached through a proxy (HTTP_PROXY & co. are ignored), the same
            # way as the status probe in `version()`, so the sidebar and the calls see the same server
            self.client = ollama.Client(host=self.url, timeout=self.http_timeout(self.timeout), trust_env=False)
        except Exception as exc:  # noqa: BLE001 - httpx and the client raise several types for malformed addresses
            raise narration_error(ErrorKind.BAD_HOST, host=host, detail=repr(exc)) from exc
        self._capabilities: dict[str, frozenset[str]] = {}
        self._context: dict[str, int | None] = {}
        self._lock = threading.Lock()

    @staticmethod
    def http_timeout(read: float) -> httpx.Timeout:
        """`read` bounds the wait for every next byte, the first one included (model load happens before it)."""
        return httpx.Timeout(connect=min(5.0, read), read=read, write=min(30.0, read), pool=min(10.0, read))

    def translate(self, exc: BaseException, model: str = "") -> NarrationError:
        """Any client or transport failure → NarrationError with the kind the journal records."""
        if isinstance(exc, NarrationError):
            return exc

        def error_of(kind: ErrorKind, detail: str, error: str = "") -> NarrationError:
            return narration_error(kind, host=self.url, model=model, timeout=self.timeout, error=error,
                                   detail=detail)

        if isinstance(exc, _StreamCut):
            return error_of(ErrorKind.STREAM_CUT, "stream ended without done:true")
        if isinstance(exc, json.JSONDecodeError) and looks_like_html(exc.doc):
            return error_of(ErrorKind.NOT_OLLAMA, f"HTML instead of JSON: {exc.doc[:500]}")
        if isinstance(exc, (ConnectionError, httpx.ConnectError)):
            return error_of(ErrorKind.CONNECTION, str(exc))
        if isinstance(exc, httpx.TimeoutException):
            return error_of(ErrorKind.TIMEOUT, f"{type(exc).__name__}: {exc}")
        if isinstance(exc, ollama.ResponseError):
            status, error = exc.status_code, str(exc.error)
            if looks_like_html(error):
                return error_of(ErrorKind.NOT_OLLAMA, f"HTTP {status}, HTML body: {error[:500]}")
            kind = {404: ErrorKind.NOT_FOUND, 500: ErrorKind.SERVER, 503: ErrorKind.BUSY, 400: ErrorKind.BAD_REQUEST,
                    -1: ErrorKind.STREAM_ERROR}.get(status, ErrorKind.UNKNOWN)
            if status == 404 and "not found" not in error.lower():
                kind = ErrorKind.UNKNOWN
            return error_of(kind, f"HTTP {status}: {error}", error)
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
            return error_of(ErrorKind.STREAM_CUT, f"{type(exc).__name__}: {exc}")
        if isinstance(exc, (json.JSONDecodeError, pydantic.ValidationError, httpx.HTTPError)):
            return error_of(ErrorKind.UNKNOWN, str(exc), type(exc).__name__)
        return error_of(ErrorKind.UNKNOWN, repr(exc), type(exc).__name__)

    def _call(self, model: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            raise self.translate(exc, model) from exc

    def version(self, timeout: float | None = None) -> str:
        """GET /api/version (the client has no method for it). A short `timeout` makes a cheap liveness probe."""
        limit = self.http_timeout(timeout or self.timeout)
        try:
            with httpx.Client(base_url=self.url, timeout=limit, trust_env=False) as http:
                response = http.get("/api/version")
                response.raise_for_status()
                if looks_like_html(response.text):
                    raise self.translate(json.JSONDecodeError("HTML", response.text, 0))
                return str(response.json().get("version", ""))
        except httpx.HTTPStatusError as exc:
            raise self.translate(ollama.ResponseError(exc.response.text, exc.response.status_code)) from exc
        except Exception as exc:  # noqa: BLE001
            raise self.translate(exc) from exc

    def list_models(self) -> list[ModelInfo]:
        listing = self._call("", self.client.list)
        models = []
        for item in listing.models:
            details = item.details
            models.append(
                ModelInfo(
                    name=item.model or "",
                    size=int(item.size) if item.size is not None else None,
                    family=details.family if details else None,
                    parameter_size=details.parameter_size if details else None,
                    quantization=details.quantization_level if details else None,
                    modified_at=item.modified_at.isoformat() if item.modified_at else None,
                )
            )
        return models

    def _show(self, model: str) -> None:
        shown = self._call(model, self.client.show, model)
        info = dict(shown.modelinfo or {})
        context = next((v for k, v in info.items() if k.endswith(".context_length") and isinstance(v, int)), None)
        with self._lock:
            self._capabilities[model] = frozenset(shown.capabilities or ())
            self._context[model] = context

    def capabilities(self, model: str) -> frozenset[str]:
        """From /api/show, e.g. {"completion", "thinking"}; asked once per model."""
        if model not in self._capabilities:
            self._show(model)
        return self._capabilities[model]

    def context_length(self, model: str) -> int | None:
        """The model's trained context (`<arch>.context_length` in model_info), not the runtime num_ctx."""
        if model not in self._context:
            self._show(model)
        return self._context[model]

    def chat_request(self, model: str, messages: list[dict[str, Any]], *, options: dict[str, Any],
                     keep_alive: str | float | None, think: bool | None) -> dict[str, Any]:
        """The keyword arguments of `Client.chat` besides model/stream. `think` is sent only to models that
        can think: Ollama answers 400 to `think` on a model without the capability."""
        request: dict[str, Any] = {"messages": messages, "options": dict(options),
                                   "keep_alive": keep_alive_value(keep_alive)}
        if think is not None and "thinking" in self.capabilities(model):
            request["think"] = think
        return request

    def chat_stream(self, model: str, messages: list[dict[str, Any]], *, options: dict[str, Any],
                    keep_alive: str | float | None, think: bool | None = False, deadline: float | None = None,
                    max_chars: int | None = None) -> ChatStream:
        """One streamed answer, ended after `deadline` seconds or `max_chars` characters (NarrationError)."""
        request = self.chat_request(model, messages, options=options, keep_alive=keep_alive, think=think)
        return ChatStream(self, model, request, deadline=deadline, max_chars=max_chars)

    def pull(self, model: str) -> Iterator[PullProgress]:
        """Stream the download of `model`; the last item has status "success"."""
        try:
            for part in self.client.pull(model, stream=True):
                yield PullProgress(status=part.status or "", completed=part.completed, total=part.total)
        except ollama.ResponseError as exc:
            error = narration_error(ErrorKind.PULL, model=model, error=str(exc.error), detail=f"HTTP {exc.status_code}")
            raise NarrationError(error.user_message, kind=ErrorKind.NOT_FOUND, detail=error.detail) from exc
        except Exception as exc:  # noqa: BLE001
            raise self.translate(exc, model) from exc
        with self._lock:
            self._capabilities.pop(model, None)
            self._context.pop(model, None)


_gateways: dict[tuple[str, float], OllamaGateway] = {}
_gateways_lock = threading.Lock()


def gateway_for(host: str, timeout: float) -> OllamaGateway:
    """A shared gateway per (host, timeout), so capability lookups and connections are reused across sessions."""
    key = (base_url(host), float(timeout))
    with _gateways_lock:
        gateway = _gateways.get(key)
        if gateway is None:
            gateway = _gateways[key] = OllamaGateway(host, timeout)
        return gateway


class LivenessProbe:
    """Whether Ollama answers at a host (GET /api/version within STATUS_TIMEOUT), remembered STATUS_TTL seconds
    so a page render asks at most once. Shared by the sidebar status and the narration's offline decision."""

    def __init__(self, timeout: float = STATUS_TIMEOUT, ttl: float = STATUS_TTL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self.ttl = ttl
        self._clock = clock
        self._seen: dict[str, tuple[float, NarrationError | None]] = {}
        self._lock = threading.Lock()

    def problem(self, host: str) -> NarrationError | None:
        """None when the server answers, else the error that says why not (bad address, no connection, …)."""
        with self._lock:
            seen = self._seen.get(host)
            if seen is not None and self._clock() - seen[0] < self.ttl:
                return seen[1]
            try:
                gateway_for(host, self.timeout).version(timeout=self.timeout)
                error = None
            except NarrationError as exc:
                error = exc
            self._seen[host] = (self._clock(), error)
            return error

    def up(self, host: str) -> bool:
        return self.problem(host) is None

    def forget(self, host: str) -> None:
        """Ask `host` again next time (after «Сгенерировать заново», or when a call lost the server)."""
        with self._lock:
            self._seen.pop(host, None)
