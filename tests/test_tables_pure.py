"""The display tables live in Streamlit-free lib/tables: the headless report (lib/report, `python -m lib report`)
must not import Streamlit, lib/ui (the only Streamlit layer) re-exports the same builders for the pages."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import lib.tables.analysis as pure_analysis
import lib.tables.cells as pure_cells
import lib.tables.compare as pure_compare
import lib.tables.overview as pure_overview

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=240,
                          check=False)


def test_report_and_cli_modules_do_not_import_streamlit():
    result = run_python("import sys, lib.report.sections, lib.__main__\n"
                        "print('streamlit' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["lib.tables", "lib.tables.cells", "lib.tables.analysis", "lib.tables.overview",
                                    "lib.tables.compare", "lib.report.build", "lib.report.html",
                                    "lib.report.markdown", "lib.report.pdf", "lib.report.narratives"])
def test_pure_module_does_not_import_streamlit(module):
    result = run_python(f"import sys, {module}\nprint('streamlit' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_whole_cli_report_runs_without_streamlit(tmp_path):
    data = tmp_path / "sales.csv"
    data.write_text("city;day;sales\nМосква;2024-01-05;10,5\nКазань;2024-01-06;20\nМосква;2024-02-01;30\n",
                    encoding="utf-8")
    out = tmp_path / "sales.md"
    result = run_python("import sys\nfrom lib.__main__ import main\n"
                        f"code = main(['report', {str(data)!r}, '--no-model', '--quiet', '--out', {str(out)!r}])\n"
                        "print(code, 'streamlit' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 False"
    assert "No runtime found" not in result.stderr  # Streamlit's cache warning without a server
    assert "- Набор данных: sales.csv" in out.read_text(encoding="utf-8").splitlines()


def _imports_streamlit(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "streamlit" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            return True
    return False


def test_only_lib_ui_imports_streamlit():
    offenders = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "lib").rglob("*.py")
                       if "ui" not in p.relative_to(ROOT / "lib").parts[:1] and _imports_streamlit(p))
    assert offenders == []


def test_lib_ui_reexports_the_same_builders():
    from lib.ui import analysis, compare, tables, widgets

    for name in ("EMPTY_FILTERED", "alerts_table", "column_profile_table", "group_table", "group_value",
                 "pairs_table", "top_values_table", "trend_caption", "trend_table"):
        assert getattr(analysis, name) is getattr(pure_analysis, name)
    for name in ("STATUS_LABELS", "compare_table", "side_texts", "significance_caption"):
        assert getattr(compare, name) is getattr(pure_compare, name)
    assert widgets.column_table is pure_overview.column_table
    for name in ("MAX_DECIMALS", "column_decimals", "column_formatter", "decimals_needed", "display_frame",
                 "number_text", "datetime_text"):
        assert getattr(tables, name) is getattr(pure_cells, name)


def test_display_frame_writes_cells_the_russian_way():
    frame = pd.DataFrame({
        "x": [106.21, 11.0, None, -12345.6],
        "n": [1, 2, 3, 12345],
        "d": pd.to_datetime(["2024-06-14", "2024-06-15", None, "2024-01-01"]),
        "s": ["a", None, "c", dt.date(2024, 6, 14)],
    })
    shown = pure_cells.display_frame(frame, cap=2)
    # by hand: one decimals count per column (2, from 106.21), «,» decimal mark, no-break-space grouping of
    # 5-digit numbers, «−» minus, blank for empty, dates DD.MM.YYYY without a time when every time is 00:00
    assert list(shown["x"]) == ["106,21", "11,00", "", "−12\u00a0345,60"]
    assert list(shown["n"]) == ["1", "2", "3", "12\u00a0345"]
    assert list(shown["d"]) == ["14.06.2024", "15.06.2024", "", "01.01.2024"]
    assert list(shown["s"]) == ["a", "", "c", "14.06.2024"]
