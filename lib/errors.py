"""Errors that carry a Russian message for the user (what happened and what to do)."""

from __future__ import annotations


class SvodkaError(Exception):
    """Base class: `user_message` is shown as is; the exception text stays technical."""

    def __init__(self, user_message: str, *, detail: str = "") -> None:
        super().__init__(detail or user_message)
        self.user_message = user_message
        self.detail = detail


class DataError(SvodkaError):
    """A dataset could not be read or is unusable (broken file, empty table, …)."""


class SourceUnavailable(SvodkaError):
    """A data source (Kaggle) could not be reached or answered badly."""


class NarrationError(SvodkaError):
    """Ollama failed; `kind` names the failure for the journal (connection, not_found, timeout, …)."""

    def __init__(self, user_message: str, *, kind: str, detail: str = "") -> None:
        super().__init__(user_message, detail=detail)
        self.kind = kind
