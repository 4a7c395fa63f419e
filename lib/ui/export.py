"""«Отчёт целиком»: the report pages for the current dataset, filters and each page's current options in one
document (HTML, PDF, Markdown) to download.

The button (sidebar and page headers) asks for the document; `export_panel` (at the top of the main area,
run by streamlit_app.py before the page) builds it: facts through the pages' own cache, then narratives one
page after another in an `st.status` (page k of N, model, elapsed seconds), reusing cached ones. «Остановить»
interrupts the run; the rerun finishes the document with templates for the pages left.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

import streamlit as st

from lib.fmt import fmt_num
from lib.ui.compare import compare_overrides
from lib.ui.facts import facts_for
from lib.ui.narrative import current_settings, server_available
from lib.ui.safe import literal
from lib.ui.state import active_filters, current_dataset

if TYPE_CHECKING:  # lib.report imports lib.ui.analysis, which imports this module: no import at load time
    from lib.narration.settings import NarrationSettings
    from lib.report.build import Page
    from lib.report.model import NarrativeBlock

log = logging.getLogger(__name__)
REQUESTED = "export_requested"
CANCELLED = "export_cancelled"
DONE = "export_narratives"  # page key → NarrativeBlock, kept across the rerun a cancel causes
DOCUMENTS = "export_documents"  # (signature, {format: bytes})
SIGNATURE = "export_signature"  # what DONE's narratives were written for: dataset, filters, options, model
POLL_SECONDS = 0.5
LABEL = "Отчёт целиком"
STALE = ("Документ собран для прежних данных, фильтров или настроек страниц. Чтобы собрать его заново, "
         "нажмите «Отчёт целиком» ещё раз.")
HELP = "Все страницы отчёта с текущими фильтрами и настройками — одним документом: HTML, PDF или Markdown."
MIME = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown"}
FORMAT_LABELS = {"html": "HTML (интерактивные графики)", "pdf": "PDF", "md": "Markdown"}
# Page options kept in session state by the pages (`<page>_<name>` keys, see lib.ui.analysis.page_defaults).
PAGE_OPTION_KEYS: dict[str, dict[str, str]] = {
    "columns": {"column": "columns_column"},
    "groups": {"dimensions": "groups_dimensions", "measure": "groups_measure", "min_rows": "groups_min_rows"},
    "trends": {"date_column": "trends_date", "measure": "trends_measure", "aggregation": "trends_aggregation",
               "period": "trends_period"},
    "relations": {"method": "relations_method", "x": "relations_x", "y": "relations_y"},
}


def _request() -> None:
    st.session_state[REQUESTED] = True
    st.session_state[CANCELLED] = False
    st.session_state[DONE] = {}
    st.session_state.pop(DOCUMENTS, None)


def _cancel() -> None:
    st.session_state[CANCELLED] = True


def _close() -> None:
    for key in (REQUESTED, CANCELLED, DONE, DOCUMENTS, SIGNATURE):
        st.session_state.pop(key, None)


def report_button(*, sidebar: bool = False) -> None:
    """The «Отчёт целиком» button: in the sidebar, or under a page's title."""
    where = st.sidebar if sidebar else st
    where.button(LABEL, key="export_sidebar" if sidebar else "export_page", help=HELP, on_click=_request,
                 icon=":material/description:", width="stretch" if sidebar else "content")


def page_overrides() -> dict[str, dict[str, Any]]:
    """The options the user chose on each page (only those set in this session)."""
    state = st.session_state
    overrides: dict[str, dict[str, Any]] = {}
    for page, keys in PAGE_OPTION_KEYS.items():
        chosen = {name: state[key] for name, key in keys.items() if key in state}
        if page == "groups":
            if "dimensions" in chosen:
                chosen["dimensions"] = tuple(chosen["dimensions"])
            rows_key = "groups_aggregation_rows" if chosen.get("measure") is None else "groups_aggregation_measure"
            if rows_key in state:
                chosen["aggregation"] = state[rows_key]
            if "min_rows" in chosen:
                chosen["min_rows"] = int(chosen["min_rows"])
        if page == "trends" and chosen.get("measure") is None and "measure" in chosen:
            chosen["aggregation"] = "count"
        overrides[page] = chosen
    overrides["compare"] = compare_overrides(state.to_dict())
    return overrides


def _signature(overrides: dict[str, Any], model: str) -> str:
    dataset = current_dataset()
    return json.dumps([dataset.id, active_filters(), overrides, model], sort_keys=True, default=str,
                      ensure_ascii=False)


def _narratives(pages: list[Page], settings: NarrationSettings) -> dict[str, NarrativeBlock]:
    from lib.report.narratives import finished, narrative_block, result, start, template_block

    done: dict[str, NarrativeBlock] = st.session_state.setdefault(DONE, {})
    todo = [p for p in pages if p.narratable]
    available = server_available(settings.host)
    cancelled = bool(st.session_state.get(CANCELLED))
    if available and not cancelled and any(p.spec.key not in done for p in todo):
        st.button("Остановить", key="export_cancel", on_click=_cancel, icon=":material/stop:",
                  help="Страницы без готового текста получат текст по шаблону.")
    with st.status(f"Тексты: 0 из {len(todo)}", expanded=True) as status:
        for k, page in enumerate(todo, start=1):
            key = page.spec.key
            if key in done:
                continue
            if cancelled:
                done[key] = template_block(page.sheet, settings, "cancelled")
                continue
            started = time.monotonic()
            job = start(page.sheet, settings)
            while not finished(job):
                status.update(label=f"Страница {k} из {len(todo)}: {page.spec.title} · модель {literal(settings.model)}"
                                    f" · {fmt_num(time.monotonic() - started, 0)} с")
                time.sleep(POLL_SECONDS)
            done[key] = narrative_block(result(job), page.sheet, settings)
            status.write(f"{page.spec.title}: {done[key].source_label}, {done[key].verdict.lower()}")
        note = " (остановлено: остальные по шаблону)" if cancelled else ""
        note = note or ("" if available else " (Ollama недоступна: тексты по шаблону)")
        status.update(label=f"Тексты готовы: {len(todo)} из {len(todo)}{note}", state="complete", expanded=False)
    return done


def _documents(overrides: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    from lib.report.build import assemble, prepare_pages
    from lib.report.html import render_html
    from lib.report.markdown import render_markdown
    from lib.report.model import ExportError
    from lib.report.pdf import pdf_available, render_pdf

    dataset, filters, settings = current_dataset(), active_filters(), current_settings()
    pages = prepare_pages(dataset, filters, overrides=overrides,
                          compute=lambda function, **options: facts_for(function, **options))
    blocks = _narratives(pages, settings)
    report = assemble(dataset, filters, pages, blocks, model=settings.model)
    documents = {"html": render_html(report).encode("utf-8")}
    with st.spinner("Собираю PDF и Markdown…"):
        if pdf_available():
            try:
                documents["pdf"] = render_pdf(report)
            except ExportError as error:
                log.warning("PDF export failed: %s", error.detail, exc_info=error)
                st.warning(error.user_message)
        documents["md"] = render_markdown(report).encode("utf-8")
    return documents


def _downloads(documents: dict[str, bytes]) -> None:
    from lib.report.pdf import NO_CHROMIUM

    name = "svodka-report"
    columns = st.columns(3)
    for column, fmt in zip(columns, ("html", "pdf", "md"), strict=True):
        if fmt in documents:
            column.download_button(FORMAT_LABELS[fmt], documents[fmt], file_name=f"{name}.{fmt}", mime=MIME[fmt],
                                   key=f"export_download_{fmt}", on_click="ignore", icon=":material/download:")
    if "pdf" not in documents:
        st.info(NO_CHROMIUM)


def export_panel() -> None:
    """The document on its way or ready, at the top of the main area, while the user asked for it."""
    if not st.session_state.get(REQUESTED):
        return
    overrides = page_overrides()
    signature = _signature(overrides, current_settings().model)
    with st.container(border=True):
        head, close = st.columns([5, 1])
        head.subheader(LABEL)
        close.button("Закрыть", key="export_close", on_click=_close, icon=":material/close:")
        if st.session_state.get(SIGNATURE) != signature:  # other facts: the narratives so far do not fit them
            st.session_state[SIGNATURE] = signature
            st.session_state[DONE] = {}
        stored = st.session_state.get(DOCUMENTS)
        if stored is None:  # built once per request: changing a page's options later does not rebuild it
            st.session_state[DOCUMENTS] = stored = (signature, _documents(overrides))
        elif stored[0] != signature:
            st.caption(STALE)
        _downloads(stored[1])
