"""`python -m lib report`: end to end with the fake Ollama and with --no-model; bad input → Russian, exit 2."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lib.__main__ import EXIT_INPUT, EXIT_MODEL, EXIT_OK, main
from lib.report.build import prepare_pages
from lib.report.sections import SECTIONS
from lib.verify import verify_numbers

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
PAGE_TITLES = [spec.title for spec in SECTIONS]
LAST = f"Страница {len(SECTIONS)} из {len(SECTIONS)}: {SECTIONS[-1].title}"


def journal_rows(state_dir: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(state_dir / "journal.sqlite") as db:
        return db.execute("SELECT facts_kind, cache_hit, status FROM calls ORDER BY id").fetchall()


def test_no_model_writes_html_with_templates_and_progress_on_stderr(tmp_path, capsys, flights):
    out = tmp_path / "report.html"
    assert main(["report", "--embedded", "--no-model", "--out", str(out)]) == EXIT_OK
    document = out.read_text(encoding="utf-8")
    rows = len(flights.frame)
    assert f"{rows:,}".replace(",", NBSP) in document
    assert document.count(" · текст по шаблону</p>") == len(PAGE_TITLES)
    err = capsys.readouterr().err
    assert f"{LAST} — текст по шаблону" in err
    assert f"Готово: {out}" in err


def test_fake_ollama_narrates_every_page_through_the_cache_and_journal(tmp_path, capsys, fake_ollama, state_dir,
                                                                     flights):
    rows = len(flights.frame)
    reply = f"В наборе {rows:,} строк.".replace(",", " ")
    fake_ollama.default_reply = reply
    # Both runs read the Parquet copy: a frame parsed from the CSV reports another memory size on «Обзор»,
    # so its sheet (and cache key) would differ from the second run's.
    from lib.sources.embedded import load_flights

    load_flights()
    out = tmp_path / "report.md"
    assert main(["report", "--model", "qwen2.5:3b", "--out", str(out)]) == EXIT_OK
    lines = out.read_text(encoding="utf-8").splitlines()
    pages = prepare_pages(flights)
    passing = [p.spec.key for p in pages if verify_numbers(reply, p.facts.payload()).ok]
    assert {"overview", "columns", "relations", "quality"} <= set(passing)
    assert lines.count(f"> {reply}") == len(passing)
    assert lines.count("> _Проверено чисел: 1 из 1 · текст модели · модель: qwen2.5:3b_") == len(passing)
    calls = len(fake_ollama.chat_bodies)
    assert calls == len(PAGE_TITLES) + (len(PAGE_TITLES) - len(passing))  # a stricter retry where it failed
    assert [kind for kind, hit, _ in journal_rows(state_dir) if not hit] == [
        kind for p in pages for kind in [p.spec.key] * (1 if p.spec.key in passing else 2)]
    # a second run is served from the narrative cache: no new model call, cache hits in the journal
    rows_before = len(journal_rows(state_dir))
    assert main(["report", "--model", "qwen2.5:3b", "--out", str(out)]) == EXIT_OK
    assert len(fake_ollama.chat_bodies) == calls
    assert [hit for _, hit, _ in journal_rows(state_dir)][rows_before:] == [1] * len(PAGE_TITLES)


def test_required_model_missing_on_the_server_exits_3(tmp_path, capsys, fake_ollama):
    code = main(["report", "--model", "llama-nope:1b", "--out", str(tmp_path / "r.html")])
    assert code == EXIT_MODEL
    err = capsys.readouterr().err
    assert "Моделей" not in err and "Модели «llama-nope:1b» нет на сервере Ollama" in err
    assert "ollama pull llama-nope:1b" in err
    assert not (tmp_path / "r.html").exists()


def test_required_model_with_server_down_exits_3(tmp_path, capsys):
    code = main(["report", "--model", "qwen2.5:3b", "--out", str(tmp_path / "r.html")])
    assert code == EXIT_MODEL
    assert "Модель «qwen2.5:3b» недоступна" in capsys.readouterr().err


def test_server_down_without_model_flag_falls_back_to_templates(tmp_path, capsys, state_dir):
    out = tmp_path / "r.md"
    assert main(["report", "--out", str(out)]) == EXIT_OK
    document = out.read_text(encoding="utf-8")
    assert document.count("Ollama недоступна, поэтому текст собран по шаблону") == len(PAGE_TITLES)
    assert "Ollama недоступна (http://127.0.0.1:9)" in capsys.readouterr().err
    assert {status for _, _, status in journal_rows(state_dir)} == {"connection"}


def test_file_filter_and_period(tmp_path, capsys):
    data = tmp_path / "sales.csv"
    data.write_text("city;day;sales\nМосква;2024-01-05;10,5\nКазань;2024-01-06;20\nМосква;2024-02-01;30\n"
                    "Омск;2024-03-01;5\n", encoding="utf-8")
    out = tmp_path / "sales.md"
    code = main(["report", str(data), "--no-model", "--filter", "city=Москва", "--period", "2024-01-01:2024-01-31",
                 "--out", str(out)])
    assert code == EXIT_OK, capsys.readouterr().err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "- Набор данных: sales.csv" in lines
    assert "- Размер: 4\u00a0строки × 3\u00a0столбца" in lines
    assert "| Строк | 1 |" in lines  # Москва in January: the row of 2024-01-05 only
    assert "- Фильтры: day: с 1 января 2024\u202fг. по 31 января 2024\u202fг.; city: Москва" in lines


def test_format_follows_the_out_suffix(tmp_path):
    out = tmp_path / "report.md"
    assert main(["report", "--no-model", "--quiet", "--out", str(out)]) == EXIT_OK
    assert out.read_text(encoding="utf-8").startswith("# Сводка: ")


def test_pdf_through_chromium(tmp_path):
    out = tmp_path / "report.pdf"
    assert main(["report", "--no-model", "--quiet", "--format", "pdf", "--out", str(out)]) == EXIT_OK
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--format", "docx"], "аргумент --format: недопустимое значение 'docx'"),
        (["report", "--no-model", "--model", "x"], "аргумент --model: нельзя вместе с --no-model"),
        (["report", "--bogus"], "неизвестные аргументы: --bogus"),
        (["report", "--out"], "аргумент --out: нужно одно значение"),
    ],
)
def test_bad_arguments_exit_2_with_a_russian_message(argv, message, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith("Использование: python -m lib")
    assert f"Ошибка: {message}" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--filter", "carrier"], "Фильтр «carrier» не понять: нужен вид СТОЛБЕЦ=ЗНАЧЕНИЕ"),
        (["--filter", "airline=UA"], "Столбца «airline» в наборе нет. Есть: year, month, day"),
        (["--filter", "carrier=ZZ"], "В столбце «carrier» нет значения «ZZ»"),
        (["--period", "2013-01-01"], "Период «2013-01-01» не понять: нужен вид С:ПО"),
        (["--period", "2013-13-01:"], "«2013-13-01» — не дата: нужен вид ГГГГ-ММ-ДД"),
        (["--period", "2013-05-01:2013-01-01"], "Период «2013-05-01:2013-01-01»: начало позже конца"),
    ],
)
def test_bad_filters_exit_2_with_a_russian_message(extra, message, tmp_path, capsys):
    assert main(["report", "--no-model", "--out", str(tmp_path / "r.html"), *extra]) == EXIT_INPUT
    assert f"Ошибка: {message}" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_unreadable_files_exit_2_with_a_russian_message(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["report", str(missing), "--no-model", "--out", str(tmp_path / "r.html")]) == EXIT_INPUT
    assert f"Ошибка: Файл «{missing}» не найден." in capsys.readouterr().err

    assert main(["report", str(tmp_path), "--no-model", "--out", str(tmp_path / "r.html")]) == EXIT_INPUT
    assert "— папка, а нужен файл с таблицей" in capsys.readouterr().err

    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert main(["report", str(binary), "--no-model", "--out", str(tmp_path / "r.html")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith("Ошибка: ") and "photo.csv" in err and "Traceback" not in err

    assert main(["report", "--no-model", "--out", str(tmp_path / "no-dir" / "r.html")]) == EXIT_INPUT
    assert "Папки «" in capsys.readouterr().err


def test_help_is_russian():
    result = subprocess.run([sys.executable, "-m", "lib", "--help"], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    assert result.stdout.startswith("Использование: python -m lib")
    assert "показать эту справку и выйти" in result.stdout and "команды:" in result.stdout
    report = subprocess.run([sys.executable, "-m", "lib", "report", "--help"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    for words in ("--no-model", "--mail-to АДРЕС", "Коды выхода: 0 — готово; 2 — неверные аргументы"):
        assert words in report


def test_python_m_lib_report_runs_as_a_process_without_streamlit_warnings(tmp_path):
    out = tmp_path / "r.html"
    result = subprocess.run([sys.executable, "-m", "lib", "report", "--no-model", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ}, timeout=300)
    assert result.returncode == EXIT_OK, result.stderr
    assert out.stat().st_size > 1_000_000
    assert "WARNING" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"Готово: {out}")


def test_kaggle_dataset_from_the_kagglehub_cache(tmp_path, monkeypatch, capsys):
    """A versioned handle already in kagglehub's cache opens without network (the layout kagglehub writes)."""
    cache = tmp_path / "kagglehub"
    root = cache / "datasets" / "own" / "shop" / "versions" / "2"
    (root / "data").mkdir(parents=True)
    (root / "data" / "sales.csv").write_bytes("Город;Сумма\nМосква;1,5\nКазань;2\nМосква;4\n".encode("cp1251"))
    (cache / "datasets" / "own" / "shop" / "2.complete").touch()
    monkeypatch.setenv("KAGGLEHUB_CACHE", str(cache))
    out = tmp_path / "shop.md"
    assert main(["report", "--kaggle", "own/shop/versions/2", "--no-model", "--out", str(out)]) == EXIT_OK
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "- Набор данных: data/sales.csv — Kaggle own/shop, версия 2" in lines
    assert "- Источник: Kaggle" in lines
    assert "| Строк | 3 |" in lines


def test_bad_kaggle_handle_exits_2(tmp_path, capsys):
    assert main(["report", "--kaggle", "not a handle", "--out", str(tmp_path / "r.html")]) == EXIT_INPUT
    assert "— не название набора Kaggle" in capsys.readouterr().err


def test_appendix_is_on_in_html_and_off_in_markdown_unless_asked(tmp_path):
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    assert main(["report", "--no-model", "--quiet", "--out", str(html)]) == EXIT_OK
    assert "<h2>Что видела модель</h2>" in html.read_text(encoding="utf-8")
    assert main(["report", "--no-model", "--quiet", "--no-appendix", "--out", str(html)]) == EXIT_OK
    assert "Что видела модель" not in html.read_text(encoding="utf-8")
    assert main(["report", "--no-model", "--quiet", "--out", str(md)]) == EXIT_OK
    assert "## Что видела модель" not in md.read_text(encoding="utf-8").splitlines()
    assert main(["report", "--no-model", "--quiet", "--appendix", "--out", str(md)]) == EXIT_OK
    lines = md.read_text(encoding="utf-8").splitlines()
    assert "## Что видела модель" in lines and "_Системный промпт_" in lines
    assert lines.count("Сводка фактов (JSON):") == len(PAGE_TITLES)


def test_pdf_without_chromium_exits_2_and_says_how_to_print_from_the_browser(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SVODKA_CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "r.pdf"
    assert main(["report", "--no-model", "--out", str(out)]) == EXIT_INPUT
    assert "PDF на сервере не собрать: не найден Chromium" in capsys.readouterr().err
    assert not out.exists()


def test_no_command_prints_the_russian_help_and_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == EXIT_INPUT
    assert capsys.readouterr().err.startswith("Использование: python -m lib")
