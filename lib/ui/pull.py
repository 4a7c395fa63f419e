"""The one «Скачать модель» widget, used by the «Модель» page and by the narrative panel: a progress bar over
all layers' bytes (`lib.narration.server.PullMeter`) and one set of failure messages."""

from __future__ import annotations

import logging

import streamlit as st

from lib.errors import NarrationError
from lib.narration.ollama import gateway_for
from lib.narration.server import PULL_CUT, PullMeter
from lib.verify import escape_markdown

log = logging.getLogger(__name__)


def pull_model(host: str, timeout: float, tag: str) -> bool:
    """Download `tag` from the server at `host` with a progress bar; True once Ollama reports success.

    A failure is shown as its Russian message (the technical detail goes to the log) and gives False."""
    tag = tag.strip()
    if not tag:
        st.error("Введите имя модели, например qwen2.5:3b.")
        return False
    bar = st.progress(0.0, text=f"Начинаю скачивание «{escape_markdown(tag)}»…")
    meter = PullMeter()
    try:
        for progress in gateway_for(host, timeout).pull(tag):
            share, text = meter.update(progress)
            bar.progress(share, text=escape_markdown(text))
    except NarrationError as exc:
        bar.empty()
        log.warning("model pull failed (%s): %s", exc.kind, exc.detail, exc_info=exc)
        st.error(exc.user_message)
        return False
    if not meter.finished:
        bar.empty()
        log.warning("model pull of %s ended without success", tag)
        st.error(PULL_CUT)
        return False
    return True
