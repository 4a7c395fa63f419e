"""The narration vocabularies, each next to its Russian labels: why a call failed, where a handle's
narrative comes from, what text the panel shows and why.

`StrEnum` members are strings, so they go to the journal and the cache as they are and compare equal to
the plain strings stored before.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """Why a model call gave no usable text (`NarrationError.kind`, the journal's status)."""

    BAD_HOST = "bad_host"
    CONNECTION = "connection"
    NOT_FOUND = "not_found"
    TIMEOUT = "timeout"
    ANSWER_TIMEOUT = "answer_timeout"
    TOO_LONG = "too_long"
    NOT_OLLAMA = "not_ollama"
    SERVER = "server"
    BUSY = "busy"
    BAD_REQUEST = "bad_request"
    STREAM_ERROR = "stream_error"
    STREAM_CUT = "stream_cut"
    EMPTY = "empty"
    PULL = "pull"
    UNKNOWN = "unknown"


ERROR_KIND_LABELS: dict[ErrorKind, str] = {
    ErrorKind.BAD_HOST: "неверный адрес сервера",
    ErrorKind.CONNECTION: "сервер недоступен",
    ErrorKind.NOT_FOUND: "модель не найдена",
    ErrorKind.TIMEOUT: "тайм-аут",
    ErrorKind.ANSWER_TIMEOUT: "ответ не уложился в срок",
    ErrorKind.TOO_LONG: "ответ слишком длинный",
    ErrorKind.NOT_OLLAMA: "по адресу отвечает не Ollama",
    ErrorKind.SERVER: "ошибка сервера (500)",
    ErrorKind.BUSY: "сервер занят (503)",
    ErrorKind.BAD_REQUEST: "неверный запрос (400)",
    ErrorKind.STREAM_ERROR: "ошибка в потоке",
    ErrorKind.STREAM_CUT: "ответ оборван",
    ErrorKind.EMPTY: "пустой ответ",
    ErrorKind.PULL: "модель не скачалась",
    ErrorKind.UNKNOWN: "неизвестная ошибка",
}


class CallStatus(StrEnum):
    """The journal status of a call that did answer: passed the check, or not (an error records its kind)."""

    OK = "ok"
    REJECTED = "rejected"
    NO_NUMBERS = "no_numbers"
    UNCHECKED = "unchecked"


CALL_STATUS_LABELS: dict[CallStatus, str] = {
    CallStatus.OK: "успешно",
    CallStatus.REJECTED: "текст не прошёл проверку чисел",
    CallStatus.NO_NUMBERS: "в тексте нет чисел из сводки",
    CallStatus.UNCHECKED: "текст не удалось проверить",
}


class JobSource(StrEnum):
    """Where a narration handle's narrative comes from, decided when the handle is opened."""

    CACHE = "cache"  # a finished narrative: the disk cache, or what this session already shows
    OFFLINE = "offline"  # the template: the server did not answer the status probe (or the sheet is empty)
    LIVE = "live"  # the model is asked now (or a running call for the same key is joined)


JOB_SOURCE_LABELS: dict[JobSource, str] = {
    JobSource.CACHE: "из кэша",
    JobSource.OFFLINE: "без модели",
    JobSource.LIVE: "от модели",
}


class TextSource(StrEnum):
    """Whose text is the narrative's main text."""

    MODEL = "model"
    TEMPLATE = "template"


TEXT_SOURCE_LABELS: dict[TextSource, str] = {
    TextSource.MODEL: "текст модели",
    TextSource.TEMPLATE: "текст по шаблону",
}


class Outcome(StrEnum):
    """Why the panel shows what it shows."""

    VERIFIED = "verified"  # the model's text, every number checked
    UNCHECKED = "unchecked"  # the model's text; the verifier itself failed
    REJECTED = "rejected"  # the template: the model's numbers failed the check (text folded below)
    NO_NUMBERS = "no_numbers"  # the template: the model's text holds no number of the sheet (folded below)
    ERROR = "error"  # the template: the call failed
    OFFLINE = "offline"  # the template: no server, or nothing to narrate


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.VERIFIED: "Текст модели, все числа проверены по сводке.",
    Outcome.UNCHECKED: "Текст модели; числа в нём не удалось проверить.",
    Outcome.REJECTED: "Текст модели не прошёл проверку чисел — показан текст по шаблону.",
    Outcome.NO_NUMBERS: "В тексте модели нет ни одного числа из сводки — показан текст по шаблону.",
    Outcome.ERROR: "Модель не ответила — показан текст по шаблону.",
    Outcome.OFFLINE: "Текст по шаблону из тех же фактов.",
}
