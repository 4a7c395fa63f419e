"""Russian words for the few labels Streamlit's frontend writes itself in English.

Streamlit has no interface language setting (1.67): the file uploader's «Upload» button, its «200MB per
file» line, its «Drag and drop a file here» overlay and the «4.7KB» size under an uploaded file's name are
fixed English strings in the frontend bundle.
Select placeholders and the multiselect's «Select all» are set from Python (`placeholder=`,
`select_all=False`) where the widgets are made; what Python cannot reach is replaced here with CSS: the
English text is hidden (display: none, so it is not in the page's text either) and the Russian one drawn
in its place. The selectors are the test ids of Streamlit 1.67 plus one emotion class of its bundle
(`euud7oh2`, the drag overlay's text); the browser test fails when an update makes the English come back.
"""

from __future__ import annotations

import streamlit as st

from lib.fmt import fmt_int

UPLOAD_BUTTON = "Выбрать файл"
DROP_HINT = "Перетащите файл сюда"
DROP_OVERLAY = "Отпустите файл здесь"


def upload_limit() -> str:
    """«до 200 МБ на файл», from the server's own limit (`server.maxUploadSize`, in megabytes)."""
    return f"до {fmt_int(int(st.get_option('server.maxUploadSize')))}\u00a0МБ на файл"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def russian_css() -> str:
    zone = '[data-testid="stFileUploaderDropzone"]'
    button = f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
    hint = '[data-testid="stFileUploaderDropzoneInstructions"] > div'
    return "\n".join([
        f"{button} p {{ display: none; }}",
        f"{button}::after {{ content: {_css_string(UPLOAD_BUTTON)}; }}",
        f"{hint} > span {{ display: none; }}",
        f"{hint}::after {{ content: {_css_string(f'{DROP_HINT} · {upload_limit()}')}; font-size: 0.875rem; }}",
        f"{zone} .euud7oh2 {{ font-size: 0; }}",
        '[data-testid="stFileChipName"] + div { display: none; }',  # «4.7KB»: the page says rows and columns
        f"{zone} .euud7oh2::after {{ content: {_css_string(DROP_OVERLAY)}; font-size: 0.875rem; }}",
    ])


def russian_widgets() -> None:
    """Inject the overrides once per run (a style-only st.html takes no room on the page)."""
    st.html(f"<style>\n{russian_css()}\n</style>")
