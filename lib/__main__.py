"""`python -m lib report …`: the whole report from a shell or cron, without a Streamlit server.

The same reading (lib.sources), facts, narration (cache, journal, verifier) and documents (lib.report) as
the app. Progress goes to stderr. Exit codes: 0 done, 2 bad input or arguments, 3 the model was required
(`--model`) and is unavailable, 4 the document was made but could not be mailed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from lib import __version__

if TYPE_CHECKING:  # the heavy modules load only when a command runs: `--help` stays instant
    import pandas as pd

    from lib.narration.settings import NarrationSettings
    from lib.report.build import Page
    from lib.report.model import NarrativeBlock, Report
    from lib.sources import Dataset

EXIT_OK, EXIT_INPUT, EXIT_MODEL, EXIT_MAIL = 0, 2, 3, 4
FORMATS = {"html": "html", "pdf": "pdf", "md": "md", "markdown": "md"}

# argparse's own messages, in Russian (it looks them up through gettext at the time it prints them).
ARGPARSE_RU = {
    "usage: ": "Использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "the following arguments are required: %s": "не хватает аргументов: %s",
    "unrecognized arguments: %s": "неизвестные аргументы: %s",
    "expected one argument": "нужно одно значение",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "недопустимое значение %(value)r (можно: %(choices)s)",
    "not allowed with argument %s": "нельзя вместе с %s",
    "ambiguous option: %(option)s could match %(matches)s": "неоднозначный параметр %(option)s: %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "invalid %(type)s value: %(value)r": "недопустимое значение %(value)r",
}


class InputError(Exception):
    """Bad input or arguments: the Russian message is printed and the exit code is 2."""


class ModelRequired(Exception):
    """`--model` was given and that model cannot be used: exit code 3."""


@contextmanager
def russian_argparse() -> Iterator[None]:
    original = argparse._  # type: ignore[attr-defined]  # argparse's gettext alias, not a public name
    argparse._ = lambda text: ARGPARSE_RU.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"Ошибка: {message}\nСправка: python -m lib report --help\n")


def build_parser() -> Parser:
    parser = Parser(prog="python -m lib", add_help=False,
                    description="Сводка без браузера: отчёт по набору данных в HTML, PDF или Markdown.")
    parser.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
    parser.add_argument("--version", action="version", version=f"Сводка {__version__}", help="показать версию")
    commands = parser.add_subparsers(dest="command", title="команды", metavar="КОМАНДА", parser_class=Parser)
    report = commands.add_parser(
        "report", add_help=False, help="собрать отчёт целиком (все страницы отчёта в одном документе)",
        description="Все страницы отчёта — обзор, столбцы, группировки, динамика, связи, качество — "
                    "в одном документе, с текстами модели (проверенными) или по шаблону.",
        epilog="Коды выхода: 0 — готово; 2 — неверные аргументы или данные; 3 — нужна модель (--model), "
               "а она недоступна; 4 — отчёт собран, но письмо не отправлено.")
    report.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
    source = report.add_mutually_exclusive_group()
    source.add_argument("file", nargs="?", metavar="ФАЙЛ", help="CSV, TSV, XLSX, Parquet или JSON")
    source.add_argument("--kaggle", metavar="ВЛАДЕЛЕЦ/НАБОР[/versions/N]", help="набор с Kaggle (первая его таблица)")
    source.add_argument("--embedded", action="store_true", help="встроенный набор «Рейсы из Нью-Йорка» (по умолчанию)")
    report.add_argument("--format", choices=sorted(set(FORMATS)), metavar="html|pdf|md",
                        help="формат документа (по умолчанию — по расширению --out, иначе html)")
    report.add_argument("--out", metavar="ПУТЬ", help="куда записать документ (по умолчанию svodka-report.<формат>)")
    report.add_argument("--filter", action="append", default=[], metavar="СТОЛБЕЦ=ЗНАЧЕНИЕ",
                        help="оставить строки с этим значением; можно повторять (значения одного столбца — «или»)")
    report.add_argument("--period", metavar="С:ПО", help="оставить даты с … по … включительно, ГГГГ-ММ-ДД:ГГГГ-ММ-ДД "
                        "(любую сторону можно опустить)")
    model = report.add_mutually_exclusive_group()
    model.add_argument("--model", metavar="ТЕГ", help="модель Ollama; без неё отчёт не собирается (код 3)")
    model.add_argument("--no-model", action="store_true", help="не вызывать модель: тексты по шаблону")
    report.add_argument("--appendix", action=argparse.BooleanOptionalAction, default=None,
                        help="приложение «Что видела модель» с запросами к модели (по умолчанию есть в HTML, "
                             "нет в PDF и Markdown)")
    report.add_argument("--mail-to", action="append", default=[], metavar="АДРЕС",
                        help="отправить отчёт письмом (настройки SVODKA_SMTP_*); можно повторять")
    report.add_argument("--quiet", action="store_true", help="не писать ход работы в stderr")
    return parser


def seconds(started: float) -> str:
    from lib.fmt import fmt_num

    return fmt_num(time.monotonic() - started, 1)


def progress(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    with russian_argparse():
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            parser.exit(EXIT_INPUT)
    return args


# --- input ----------------------------------------------------------------------------------------------
def load_source(args: argparse.Namespace) -> Dataset:
    from lib.errors import SvodkaError

    try:
        if args.file:
            return _read_file(Path(args.file))
        if args.kaggle:
            return _read_kaggle(args)
        from lib.sources.embedded import load_flights

        return load_flights()
    except SvodkaError as error:
        raise InputError(error.user_message) from error


def _read_file(path: Path) -> Dataset:
    from lib.sources.upload import upload_dataset

    if not path.exists():
        raise InputError(f"Файл «{path}» не найден. Проверьте путь.")
    if path.is_dir():
        raise InputError(f"«{path}» — папка, а нужен файл с таблицей (CSV, XLSX, Parquet, JSON).")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"Файл «{path}» не прочитать: {error.strerror or error}. Проверьте права доступа.") from error
    return upload_dataset(data, path.name)


def _read_kaggle(args: argparse.Namespace) -> Dataset:
    from lib.sources.kaggle import download_dataset, open_kaggle_file

    download = download_dataset(args.kaggle)
    chosen = download.files[0]
    if len(download.files) > 1:
        progress(args, f"В наборе {len(download.files)} таблиц; беру первую: {chosen.path}")
    return open_kaggle_file(download, chosen.path)


def parse_filters(args: argparse.Namespace, frame: pd.DataFrame) -> dict[str, Any]:
    """`--filter COLUMN=VALUE` and `--period FROM:TO` → the app's filter spec."""
    from lib.filters import filter_candidates, labels, normalize_filters

    categories: dict[str, list[str]] = {}
    for item in args.filter:
        column, sep, value = item.partition("=")
        column = column.strip()
        if not sep or not column:
            raise InputError(f"Фильтр «{item}» не понять: нужен вид СТОЛБЕЦ=ЗНАЧЕНИЕ, например carrier=UA.")
        if column not in frame.columns:
            shown = ", ".join(map(str, list(frame.columns)[:12]))
            raise InputError(f"Столбца «{column}» в наборе нет. Есть: {shown}.")
        if not labels(frame[column]).eq(value).any():
            raise InputError(f"В столбце «{column}» нет значения «{value}»: фильтр не оставил бы ни одной строки.")
        categories.setdefault(column, []).append(value)
    spec: dict[str, Any] = {"categories": categories}
    if args.period:
        start, sep, end = args.period.partition(":")
        if not sep:
            raise InputError(f"Период «{args.period}» не понять: нужен вид С:ПО, например 2013-01-01:2013-03-31.")
        for day in (start, end):
            if day:
                try:
                    dt.date.fromisoformat(day)
                except ValueError as error:
                    raise InputError(f"«{day}» — не дата: нужен вид ГГГГ-ММ-ДД, например 2013-03-31.") from error
        if start and end and start > end:
            raise InputError(f"Период «{args.period}»: начало позже конца.")
        column = filter_candidates(frame).date_column
        if column is None:
            raise InputError("В наборе нет столбца с датами, поэтому --period не к чему применить.")
        spec["date"] = {"column": column, "from": start, "to": end}
    return normalize_filters(spec)


def output_format(args: argparse.Namespace) -> str:
    if args.format:
        return FORMATS[args.format]
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    return FORMATS.get(suffix, "html")


# --- narration ------------------------------------------------------------------------------------------
def narration_mode(args: argparse.Namespace, settings: NarrationSettings) -> str:
    """"model" (the service), "no_model" (templates on request) or "unavailable" (templates, server down)."""
    from lib.errors import NarrationError
    from lib.narration.ollama import gateway_for, plain_text

    if args.no_model:
        return "no_model"
    try:
        gateway = gateway_for(settings.host, min(settings.timeout, 5.0))
        gateway.version(timeout=min(settings.timeout, 5.0))
        names = {m.name for m in gateway.list_models()} if args.model else set()
    except NarrationError as error:
        if args.model:
            raise ModelRequired(f"Модель «{args.model}» недоступна: {plain_text(error.user_message)}") from error
        progress(args, f"Ollama недоступна ({settings.host}): тексты будут по шаблону.")
        return "unavailable"
    if args.model and not ({settings.model, f"{settings.model}:latest"} & names):
        raise ModelRequired(f"Модели «{args.model}» нет на сервере Ollama {settings.host}. "
                            f"Скачайте её: ollama pull {args.model}")
    return "model"


def narratives(pages: list[Page], settings: NarrationSettings, mode: str,
               args: argparse.Namespace) -> dict[str, NarrativeBlock]:
    from lib.report.narratives import narrate, narrative_block, template_block

    blocks = {}
    todo = [p for p in pages if p.narratable]
    for k, page in enumerate(todo, start=1):
        started = time.monotonic()
        if mode == "model":
            progress(args, f"Страница {k} из {len(todo)}: {page.spec.title} — пишет модель {settings.model}…")
        if mode in ("model", "unavailable"):  # the handle itself serves the template when the server is down
            block = narrative_block(narrate(page.sheet, settings), page.sheet, settings)
        else:
            block = template_block(page.sheet, settings, "no_model")
        blocks[page.spec.key] = block
        progress(args, f"Страница {k} из {len(todo)}: {page.spec.title} — {block.source_label}, "
                       f"{block.verdict.lower()}, {seconds(started)} с")
    return blocks


# --- the command ----------------------------------------------------------------------------------------
def render(report: Report, fmt: str, appendix: bool | None) -> bytes:
    if fmt == "pdf":
        from lib.report.pdf import render_pdf

        return render_pdf(report, appendix=bool(appendix))
    if fmt == "md":
        from lib.report.markdown import render_markdown

        return render_markdown(report, appendix=bool(appendix)).encode("utf-8")
    from lib.report.html import render_html

    return render_html(report, appendix=appendix is not False).encode("utf-8")


def run_report(args: argparse.Namespace) -> int:
    from lib.errors import SvodkaError
    from lib.fmt import fmt_bytes, fmt_int
    from lib.narration.settings import NarrationSettings
    from lib.report.build import assemble, prepare_pages

    fmt = output_format(args)
    out = Path(args.out) if args.out else Path(f"svodka-report.{fmt}")
    if out.is_dir():
        raise InputError(f"«{out}» — папка; укажите в --out имя файла, например {out / ('svodka-report.' + fmt)}.")
    if not out.parent.exists():
        raise InputError(f"Папки «{out.parent}» нет: создайте её или укажите другой путь в --out.")
    settings = NarrationSettings.from_config()
    if args.model:
        settings = dataclasses.replace(settings, model=args.model)
    mode = narration_mode(args, settings)

    started = time.monotonic()
    dataset = load_source(args)
    progress(args, f"Набор: {dataset.name} ({fmt_int(dataset.frame.shape[0])} × {fmt_int(dataset.frame.shape[1])})")
    filters = parse_filters(args, dataset.frame)
    pages = prepare_pages(dataset, filters)
    progress(args, f"Факты по {len(pages)} страницам посчитаны за {seconds(started)} с")
    blocks = narratives(pages, settings, mode, args)
    report = assemble(dataset, filters, pages, blocks, model=settings.model if mode != "no_model" else "не вызывалась")
    try:
        document = render(report, fmt, args.appendix)
    except SvodkaError as error:
        raise InputError(error.user_message) from error
    try:
        out.write_bytes(document)
    except OSError as error:
        raise InputError(f"Не записать «{out}»: {error.strerror or error}.") from error
    progress(args, f"Готово: {out} ({fmt_bytes(len(document))}) за {seconds(started)} с")
    if args.mail_to:
        return mail(args, report, document, out.name, fmt)
    return EXIT_OK


def mail(args: argparse.Namespace, report: Report, document: bytes, filename: str, fmt: str) -> int:
    from lib.mail import MailError, send_report

    try:
        send_report(report, document, filename, fmt, to=args.mail_to)
    except MailError as error:
        print(error.user_message, file=sys.stderr)
        return EXIT_MAIL
    progress(args, f"Письмо отправлено: {', '.join(args.mail_to)}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run_report(args)
    except InputError as error:
        print(f"Ошибка: {error}", file=sys.stderr)
        return EXIT_INPUT
    except ModelRequired as error:
        print(f"Ошибка: {error}", file=sys.stderr)
        return EXIT_MODEL


if __name__ == "__main__":
    sys.exit(main())
