"""Widgets of the «Данные» page: upload form with detected settings and overrides, Kaggle form, recent list.

Each form returns a `Dataset` when the user asks to open one (the page registers it), else None.
Page-local session keys start with `data_`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import streamlit as st

from lib.config import load_config
from lib.errors import DataError, SourceUnavailable, SvodkaError
from lib.fmt import fmt_bytes, fmt_count
from lib.sources import Dataset
from lib.sources.kaggle import (
    CREDENTIALS_HELP,
    KaggleDownload,
    cached_versions,
    download_dataset,
    open_kaggle_file,
    parse_handle,
    recent_datasets,
    reopen_recent,
)
from lib.sources.reading import (
    DECIMALS,
    DELIMITER_LABELS,
    DELIMITERS,
    ENCODING_LABELS,
    ENCODINGS,
    ReadOptions,
    excel_sheet_names,
    file_format,
)
from lib.sources.upload import upload_dataset
from lib.sources.values import UNIT_SIGNS
from lib.ui.safe import literal
from lib.ui.tables import show_table

log = logging.getLogger(__name__)
AUTO = "автоматически"
FLASH_KEY = "data_flash"
PREVIEW_ROWS = 20


# --- reading settings -----------------------------------------------------------------------------------

def _options_from_state(prefix: str) -> ReadOptions:
    """The overrides chosen in the «Настройки чтения» widgets (their values survive in session state)."""
    def chosen(name: str) -> str | None:
        value = st.session_state.get(f"{prefix}_{name}", AUTO)
        return None if value == AUTO else value

    return ReadOptions(encoding=chosen("encoding"), delimiter=chosen("delimiter"), decimal=chosen("decimal"),
                       sheet=chosen("sheet"))


def _reset_options(prefix: str) -> None:
    for name in ("encoding", "delimiter", "decimal", "sheet"):
        st.session_state.pop(f"{prefix}_{name}", None)


def reading_settings(prefix: str, filename: str, sheets: tuple[str, ...] = ()) -> None:
    """Override controls that matter for this kind of file; a change reruns the page with them."""
    try:
        kind = file_format(filename)
    except DataError:
        return
    if kind == "parquet":
        return
    with st.expander("Настройки чтения", expanded=False):
        st.caption("Если числа или буквы прочитались неверно, выберите настройки вручную.")
        left, middle, right = st.columns(3)
        if kind in ("csv", "json"):
            left.selectbox("Кодировка", (AUTO, *ENCODINGS), key=f"{prefix}_encoding",
                           format_func=lambda v: ENCODING_LABELS.get(v, v))
        if kind == "csv":
            middle.selectbox("Разделитель столбцов", (AUTO, *DELIMITERS), key=f"{prefix}_delimiter",
                             format_func=lambda v: DELIMITER_LABELS.get(v, v))
        if kind in ("csv", "xlsx"):
            right.selectbox("Десятичный разделитель", (AUTO, *DECIMALS), key=f"{prefix}_decimal")
        if len(sheets) > 1:
            st.selectbox("Лист Excel", (AUTO, *sheets), key=f"{prefix}_sheet")


def dataset_preview(dataset: Dataset) -> None:
    """What was detected, what was converted, any notes, and the first rows. Names and notes come from the
    file, so they are shown literally."""
    details = dataset.details
    detected = details.get("detected", {})
    rows, columns = dataset.frame.shape
    read = (f"Прочитано: {fmt_count(rows, 'строка', 'строки', 'строк')}, "
            f"{fmt_count(columns, 'столбец', 'столбца', 'столбцов')}.")
    st.info(f"{literal(details.get('summary', ''))}  \n{literal(read)}")
    converted = []
    for key, what in (("numeric_columns", "в числа"), ("date_columns", "в даты"), ("bool_columns", "в да/нет")):
        if detected.get(key):
            converted.append(f"{what} — " + ", ".join(f"«{c}»" for c in detected[key]))
    if converted:
        st.caption(literal("Преобразованы из текста: " + "; ".join(converted) + "."))
    if dataset.units:
        units = ", ".join(f"«{c}» — {UNIT_SIGNS.get(u, u)}" for c, u in dataset.units.items())
        st.caption(literal(f"Единицы из ячеек: {units}."))
    for note in detected.get("notes", ()):
        st.warning(literal(note))
    show_table(dataset.frame.head(PREVIEW_ROWS))  # «106,21», «14.06.2024», blank empty cells


# --- upload ---------------------------------------------------------------------------------------------

def upload_form() -> Dataset | None:
    config = load_config()
    uploaded = st.file_uploader(
        "Файл с таблицей", key="data_upload", max_upload_size=config.max_upload_mb,
        help="Кодировку, разделитель столбцов и десятичный разделитель Svodka определит сама; "
             "их можно поправить в «Настройках чтения».")
    st.caption(f"CSV, TSV, TXT, XLSX, Parquet или JSON, до {config.max_upload_mb}\u00a0МБ. "
               "CSV из русского Excel (cp1251, «;», десятичная запятая, даты дд.мм.гггг) читается как есть.")
    if uploaded is None:
        st.session_state.pop("data_upload_result", None)
        return None
    if st.session_state.get("data_upload_file") != uploaded.file_id:
        st.session_state["data_upload_file"] = uploaded.file_id
        _reset_options("data_upload")
    options = _options_from_state("data_upload")
    result = _read_upload(uploaded.file_id, uploaded.name, uploaded.getvalue, options)
    sheets = excel_sheet_names(uploaded) if uploaded.name.lower().endswith((".xlsx", ".xlsm")) else ()
    if isinstance(result, SvodkaError):
        st.error(literal(result.user_message))
        reading_settings("data_upload", uploaded.name, sheets)
        return None
    dataset_preview(result)
    reading_settings("data_upload", uploaded.name, sheets)
    if st.button("Открыть этот набор", key="data_upload_open", type="primary"):
        return result
    return None


def _read_upload(file_id: str, name: str, read_bytes: Callable[[], bytes],
                 options: ReadOptions) -> Dataset | SvodkaError:
    """Read once per (file, options) in this session; a rerun for another widget reuses the result."""
    key = (file_id, options)
    cached = st.session_state.get("data_upload_result")
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        with st.spinner(f"Читаю «{literal(name)}»…"):
            result: Dataset | SvodkaError = upload_dataset(read_bytes(), name, options)
    except SvodkaError as exc:
        log.warning("upload %r not read: %s", name, exc.detail, exc_info=exc)
        result = exc
    st.session_state["data_upload_result"] = (key, result)
    return result


# --- Kaggle ---------------------------------------------------------------------------------------------

def _download(handle_text: str) -> None:
    """Download into session state; on failure keep the message (and a cached version to offer)."""
    for key in ("data_kaggle_download", "data_kaggle_offer", "data_kaggle_error"):
        st.session_state.pop(key, None)
    try:
        handle = parse_handle(handle_text)
    except DataError as exc:
        log.warning("Kaggle handle %r rejected: %s", handle_text, exc.detail, exc_info=exc)
        st.session_state["data_kaggle_error"] = exc.user_message
        return
    try:
        with st.spinner(f"Скачиваю «{handle}» с Kaggle…"):
            st.session_state["data_kaggle_download"] = download_dataset(handle)
    except SvodkaError as exc:
        log.warning("Kaggle download of %s failed: %s", handle, exc.detail, exc_info=exc)
        st.session_state["data_kaggle_error"] = exc.user_message
        versions = cached_versions(handle) if isinstance(exc, SourceUnavailable) else []
        if versions and versions[0] != handle.version:
            st.session_state["data_kaggle_offer"] = str(handle.with_version(versions[0]))


def kaggle_form() -> Dataset | None:
    with st.form("data_kaggle_form"):
        handle_text = st.text_input("Набор Kaggle", key="data_kaggle_handle",
                                    placeholder="владелец/набор или владелец/набор/versions/3")
        submitted = st.form_submit_button("Скачать")
    st.caption("Название набора есть в адресе его страницы: kaggle.com/datasets/владелец/набор. "
               "С номером версии набор, уже скачанный раньше, открывается без сети. " + CREDENTIALS_HELP)
    if submitted:
        _download(handle_text)
    if "data_kaggle_error" in st.session_state:
        st.error(literal(st.session_state["data_kaggle_error"]))
        offer = st.session_state.get("data_kaggle_offer")
        if offer and st.button(f"Открыть «{offer}» из кэша", key="data_kaggle_offer_button"):
            _download(offer)
            st.rerun()
    download: KaggleDownload | None = st.session_state.get("data_kaggle_download")
    if download is None:
        return None
    return _kaggle_file_picker(download)


def _kaggle_file_picker(download: KaggleDownload) -> Dataset | None:
    files = {f.path: f for f in download.files}
    st.success(f"Набор «{download.handle}»: " + fmt_count(len(files), "таблица", "таблицы", "таблиц") + ".")
    path = st.selectbox("Файл", list(files), key="data_kaggle_file",
                        format_func=lambda p: f"{p} ({fmt_bytes(files[p].size)})")
    if st.session_state.get("data_kaggle_selected") != (str(download.handle), path):
        st.session_state["data_kaggle_selected"] = (str(download.handle), path)
        _reset_options("data_kaggle")
    sheets = excel_sheet_names(download.root / path) if path.lower().endswith((".xlsx", ".xlsm")) else ()
    reading_settings("data_kaggle", path, sheets)
    if not st.button("Открыть файл", key="data_kaggle_open", type="primary"):
        return None
    try:
        with st.spinner(f"Читаю «{literal(path)}»…"):
            return open_kaggle_file(download, path, _options_from_state("data_kaggle"))
    except SvodkaError as exc:
        log.warning("Kaggle file %r not opened: %s", path, exc.detail, exc_info=exc)
        st.error(literal(exc.user_message))
    except OSError as exc:
        log.warning("Kaggle file %r not readable from disk", path, exc_info=exc)
        st.error(literal(f"Файл «{path}» из набора не удалось прочитать с диска ({type(exc).__name__}). "
                         "Скачайте набор заново."))
    return None


def recent_list() -> Dataset | None:
    """Recently opened Kaggle files; the ones in the cache reopen without network."""
    entries = recent_datasets()
    if not entries:
        st.caption("Здесь появятся открытые наборы Kaggle: их можно будет открыть снова, даже без сети.")
        return None
    for entry in entries:
        try:
            offline = parse_handle(entry.handle).version in cached_versions(entry.handle)
        except (DataError, OSError):
            offline = False
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"**{literal(entry.name)}**")
        text.caption("в кэше — откроется без сети" if offline else "нет в кэше — понадобится сеть")
        key = hashlib.sha256(entry.key.encode()).hexdigest()[:12]
        if button.button("Открыть", key=f"data_recent_{key}"):
            try:
                with st.spinner(f"Открываю «{literal(entry.path)}»…"):
                    return reopen_recent(entry)
            except SvodkaError as exc:
                log.warning("recent dataset %r not reopened: %s", entry.path, exc.detail, exc_info=exc)
                st.error(literal(exc.user_message))
            except OSError as exc:
                log.warning("recent dataset %r not readable from the cache", entry.path, exc_info=exc)
                st.error(f"Не удалось открыть «{literal(entry.path)}» из кэша: файл недоступен "
                         f"({literal(type(exc).__name__)}). Скачайте набор заново на вкладке Kaggle.")
    return None


# --- after opening --------------------------------------------------------------------------------------

def announce_opened(dataset: Dataset) -> None:
    """Remember a message for the next run and rerun, so the sidebar shows the new dataset at once."""
    st.session_state[FLASH_KEY] = literal(f"Открыт набор «{dataset.name}». Он стал текущим для всех страниц "
                                          "отчёта. " + dataset.details.get("summary", ""))
    st.rerun()


def show_announcement() -> None:
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
