"""A fake Ollama server on 127.0.0.1 (random port, own thread) speaking the real wire protocol.

Enough of the API for Svodka: /api/chat (NDJSON stream with a final metrics line, or one JSON object),
/api/tags, /api/show (details, model_info, capabilities), /api/pull (progress stream), /api/version,
/api/ps, and `{"error": …}` bodies. Switch `fault` to make it fail the way a real server does:

- "unknown_model": 404 `model "x" not found, try pulling it first` (chat and show)
- "slow_load":     sleep `load_seconds` before the first byte of a chat answer (model loading)
- "http_500" / "http_503" / "http_400": that status with an `{"error": …}` body on chat
- "error_mid_stream": a few chunks, then an `{"error": …}` line (HTTP status stays 200)
- "cut_stream":    a few chunks, then the connection closes without `done: true`
- "cjk":           the answer drifts into Chinese
- "slow_drip":     an endless answer: a chunk every `chunk_delay` (or 0.05) seconds, never `done`
- "stall":         two chunks, then silence for `load_seconds` (a server stuck mid-answer), then the rest
- "huge":          a normal stream of `huge_chars` characters (a model that never stops)
- "html_body":     every route answers 200 with a captive-portal HTML page instead of JSON
- "html_502":      chat answers 502 with a proxy's HTML error page
- "long_error":    chat answers 500 with a LONG_ERROR body: 2 000+ characters with markdown and a secret

Like the real server, a `keep_alive` string that Go's `time.ParseDuration` rejects ("3600", "-1") is a 400.

`chat_faults` scripts faults per chat call (None for a normal answer) before `fault` applies.
`down()` closes the listening socket, so the next connection is refused. Every request body is kept in
`requests` for assertions; `replies` is a queue of scripted answers (the default answer when empty; an
empty string scripts an empty answer); `done_reason` is what the final line reports.
"""

from __future__ import annotations

import collections
import contextlib
import json
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_REPLY = "Таблица заполнена почти полностью. Повторяющихся строк нет. Самые важные столбцы описаны ниже."
CJK_REPLY = "В таблице 10 строк. 数据质量很好，没有重复。"
HTML_PAGE = ("<!DOCTYPE html><html><head><title>Вход в сеть</title></head>"
             "<body><h1>Авторизуйтесь</h1><a href='http://portal.example/login'>войти</a></body></html>")
LONG_ERROR = ("![img](http://evil.example/x.png) # Заголовок [ссылка](http://evil.example) "
              "token=SECRET-TAIL-9f8e7d " + "подробности сбоя " * 120 + "КОНЕЦ-ОШИБКИ")
GO_DURATION = re.compile(r"0|[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*")

MODELS: dict[str, dict[str, Any]] = {
    "qwen2.5:3b": {"family": "qwen2", "parameter_size": "3.1B", "size": 1_929_912_432,
                   "capabilities": ["completion", "tools"], "context_length": 32768},
    "qwen2.5:0.5b": {"family": "qwen2", "parameter_size": "494.03M", "size": 397_821_319,
                     "capabilities": ["completion", "tools"], "context_length": 32768},
    "qwen3:4b": {"family": "qwen3", "parameter_size": "4.0B", "size": 2_497_293_918,
                 "capabilities": ["completion", "tools", "thinking"], "context_length": 262144},
}


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (a timeout test, a cut stream) is expected here, not an error to print."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - socketserver's signature
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class FakeOllama:
    def __init__(self) -> None:
        self.models: dict[str, dict[str, Any]] = {k: dict(v) for k, v in MODELS.items()}
        self.pullable: set[str] = {*MODELS, "qwen2.5:1.5b", "qwen2.5:7b", "qwen3:4b-instruct-2507-q4_K_M"}
        self.replies: collections.deque[str] = collections.deque()
        self.default_reply = DEFAULT_REPLY  # answered when `replies` is empty
        self.fault: str | None = None
        self.chat_faults: collections.deque[str | None] = collections.deque()  # per chat call, before `fault`
        self.load_seconds = 5.0
        self.chunk_delay = 0.0
        self.huge_chars = 50_000
        self.prompt_eval_count: int | None = None  # None: about one token per 3 characters of the messages
        self.done_reason = "stop"  # "length": the answer hit num_predict (with an empty reply: all spent thinking)
        self.requests: list[tuple[str, str, Any]] = []  # (method, path, body)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._server.block_on_close = False
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-ollama",
                                        daemon=True)
        self._up = False
        self._connections: set[Any] = set()

    def start(self) -> FakeOllama:
        self._thread.start()
        self._up = True
        return self

    def down(self) -> None:
        """Stop listening: from now on connections to `url` are refused, like a server that is not running."""
        if self._up:
            self._stop.set()
            self._server.shutdown()
            self._server.server_close()
            with self._lock:
                connections, self._connections = list(self._connections), set()
            for connection in connections:  # kept-alive client connections must not outlive the server
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._up = False

    def __enter__(self) -> FakeOllama:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.down()

    def record(self, method: str, path: str, body: Any) -> None:
        with self._lock:
            self.requests.append((method, path, body))

    def bodies(self, path: str) -> list[Any]:
        with self._lock:
            return [body for _, p, body in self.requests if p == path]

    @property
    def chat_bodies(self) -> list[dict[str, Any]]:
        return self.bodies("/api/chat")

    def next_fault(self) -> str | None:
        with self._lock:
            return self.chat_faults.popleft() if self.chat_faults else self.fault

    def next_reply(self) -> str:
        with self._lock:
            if self.fault == "cjk":
                return CJK_REPLY
            return self.replies.popleft() if self.replies else self.default_reply

    def wait(self, seconds: float) -> None:
        self._stop.wait(seconds)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime())


def _chunks(text: str) -> list[str]:
    """Split like a tokenizer would, keeping every character: words with their following space."""
    parts, current = [], ""
    for char in text:
        current += char
        if char == " ":
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def _handler(fake: FakeOllama) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            with fake._lock:
                fake._connections.add(self.connection)

        def finish(self) -> None:
            with fake._lock:
                fake._connections.discard(self.connection)
            with contextlib.suppress(OSError):
                super().finish()

        # --- plumbing -------------------------------------------------------------------------------
        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            return json.loads(raw) if raw else None

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            self._json(status, {"error": message})

        def _start_stream(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

        def _line(self, payload: Any) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode() + b"\n"
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _end_stream(self) -> None:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _cut(self) -> None:
            """Close the connection in the middle of a chunked body."""
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)

        # --- routes ---------------------------------------------------------------------------------
        def _html(self, status: int, page: str = HTML_PAGE) -> None:
            data = page.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            fake.record("GET", self.path, None)
            if fake.fault == "html_body":
                self._html(200)
            elif self.path == "/api/version":
                self._json(200, {"version": "0.33.0"})
            elif self.path == "/api/tags":
                self._json(200, {"models": [_tag(name, info) for name, info in fake.models.items()]})
            elif self.path == "/api/ps":
                self._json(200, {"models": []})
            else:
                self._error(404, "404 page not found")

        def do_POST(self) -> None:  # noqa: N802
            try:
                body = self._body()
            except json.JSONDecodeError:
                self._error(400, "invalid JSON")
                return
            fake.record("POST", self.path, body)
            if fake.fault == "html_body":
                self._html(200)
                return
            routes = {"/api/chat": self._chat, "/api/show": self._show, "/api/pull": self._pull}
            route = routes.get(self.path)
            if route is None:
                self._error(404, "404 page not found")
                return
            try:
                route(body or {})
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.close_connection = True

        def _model_or_404(self, body: dict[str, Any]) -> dict[str, Any] | None:
            name = body.get("model", "")
            info = fake.models.get(name)
            if info is None or fake.fault == "unknown_model":
                self._error(404, f'model "{name}" not found, try pulling it first')
                return None
            return info

        def _show(self, body: dict[str, Any]) -> None:
            info = self._model_or_404(body)
            if info is None:
                return
            arch = info["family"]
            self._json(200, {
                "modelfile": "# fake", "parameters": "stop \"<|im_end|>\"", "template": "{{ .Prompt }}",
                "details": {"parent_model": "", "format": "gguf", "family": arch, "families": [arch],
                            "parameter_size": info["parameter_size"], "quantization_level": "Q4_K_M"},
                "model_info": {"general.architecture": arch, f"{arch}.context_length": info["context_length"],
                               f"{arch}.embedding_length": 2048},
                "capabilities": info["capabilities"],
                "modified_at": "2026-11-01T10:00:00Z",
            })

        def _chat(self, body: dict[str, Any]) -> None:
            info = self._model_or_404(body)
            if info is None:
                return
            if "think" in body and "thinking" not in info["capabilities"]:
                self._error(400, f'"{body["model"]}" does not support thinking')
                return
            keep_alive = body.get("keep_alive")
            if isinstance(keep_alive, str) and not GO_DURATION.fullmatch(keep_alive):
                # api.Duration: a number is seconds, a string goes through Go's time.ParseDuration
                self._error(400, f'time: missing unit in duration "{keep_alive}"')
                return
            fault = fake.next_fault()
            if fault == "slow_load":
                fake.wait(fake.load_seconds)
            if fault in ("http_500", "http_503", "http_400"):
                status = int(fault[-3:])
                message = {500: "llama runner process has terminated: signal: killed",
                           503: "server busy, please try again.  maximum pending requests exceeded",
                           400: "registry.ollama.ai/library/x does not support thinking"}[status]
                self._error(status, message)
                return
            if fault == "html_502":
                self._html(502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
                return
            if fault == "long_error":
                self._error(500, LONG_ERROR)
                return
            if fault == "slow_drip":
                self._drip(body["model"])
                return
            text = "слово " * (fake.huge_chars // 6) if fault == "huge" else fake.next_reply()
            pieces = _chunks(text)
            prompt_chars = len(json.dumps(body.get("messages", []), ensure_ascii=False))
            prompt_tokens = fake.prompt_eval_count if fake.prompt_eval_count is not None else prompt_chars // 3
            final = {
                "model": body["model"], "created_at": _now(), "message": {"role": "assistant", "content": ""},
                "done": True, "done_reason": fake.done_reason, "total_duration": 2_500_000_000,
                "load_duration": 500_000_000,
                "prompt_eval_count": prompt_tokens, "prompt_eval_duration": 1_000_000_000,
                "eval_count": len(pieces), "eval_duration": 1_000_000_000,
            }
            if body.get("stream") is False:
                self._json(200, {**final, "message": {"role": "assistant", "content": text}})
                return
            self._start_stream()
            for index, piece in enumerate(pieces):
                if fault == "stall" and index == 2:
                    fake.wait(fake.load_seconds)
                if fault in ("error_mid_stream", "cut_stream") and index == 2:
                    if fault == "cut_stream":
                        self._cut()
                        return
                    self._line({"error": "an error was encountered while running the model: unexpected EOF"})
                    self._end_stream()
                    return
                self._line({"model": body["model"], "created_at": _now(),
                            "message": {"role": "assistant", "content": piece}, "done": False})
                if fake.chunk_delay:
                    fake.wait(fake.chunk_delay)
            self._line(final)
            self._end_stream()

        def _drip(self, model: str) -> None:
            """Chunks forever (until the client hangs up or the server stops), never a `done` line."""
            self._start_stream()
            while not fake._stop.is_set():
                self._line({"model": model, "created_at": _now(),
                            "message": {"role": "assistant", "content": "капля "}, "done": False})
                fake.wait(fake.chunk_delay or 0.05)

        def _pull(self, body: dict[str, Any]) -> None:
            name = body.get("model", "")
            self._start_stream()
            self._line({"status": "pulling manifest"})
            if name not in fake.pullable:
                self._line({"error": "pull model manifest: file does not exist"})
                self._end_stream()
                return
            total = 1_000_000
            for done in (0, total // 2, total):
                self._line({"status": "pulling 5ee4f07cdb9b", "digest": "sha256:5ee4f07cdb9b", "total": total,
                            "completed": done})
            for status in ("verifying sha256 digest", "writing manifest", "success"):
                self._line({"status": status})
            fake.models.setdefault(name, dict(MODELS["qwen2.5:3b"]))
            self._end_stream()

    return Handler


def _tag(name: str, info: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name, "model": name, "modified_at": "2026-11-01T10:00:00.000000Z", "size": info["size"],
        "digest": "a" * 64,
        "details": {"parent_model": "", "format": "gguf", "family": info["family"], "families": [info["family"]],
                    "parameter_size": info["parameter_size"], "quantization_level": "Q4_K_M"},
    }
