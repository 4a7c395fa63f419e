"""The entry script registers every page file (the sidebar per page is checked in the browser test)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_page_file_is_registered_in_the_navigation():
    source = (ROOT / "streamlit_app.py").read_text(encoding="utf-8")
    for page in sorted((ROOT / "app_pages").glob("*.py")):
        assert f'"app_pages/{page.name}"' in source, page.name
