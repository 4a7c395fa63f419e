"""Bytes of a table file → DataFrame, plus what was detected on the way (encoding, delimiter, decimal mark).

Russian Excel saves CSV in cp1251 with `;`, decimal commas, thousands split by spaces or NBSP and dates as
дд.мм.гггг. `csv.Sniffer` and `sep=None` pick `,` on such files, so the delimiter is chosen from a short
list by how consistently it splits the first lines, and numbers and dates are converted per column from
strings, only when every value of the column fits one pattern (a column of `007`-style codes stays text).
Every failure is a `DataError` with a Russian message that says what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import IO, TypeAlias
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pa_parquet
from charset_normalizer import from_bytes
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from lib.errors import DataError
from lib.fmt import fmt_bytes, fmt_num
from lib.sources import values as values_mod
from lib.sources.heap import keep_table_memory, release_free_heap
from lib.sources.values import nested_as_json

Column: TypeAlias = pa.ChunkedArray | pd.Series  # text as pyarrow strings, numbers as pandas parsed them

# Bump when reading changes the frame it produces for the same bytes: dataset ids include it.
READER_VERSION = 2

FORMATS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "json", ".ndjson": "json",
}
FORMAT_NAMES = "CSV, TSV, TXT, XLSX, Parquet или JSON"
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "cp1251", "koi8-r", "utf-16", "utf-16-le", "utf-16-be",
                              "cp866", "cp1252")
DELIMITERS: tuple[str, ...] = (";", "\t", "|", ",")
DECIMALS: tuple[str, ...] = (",", ".")

ENCODING_LABELS = {"utf-8-sig": "utf-8 с BOM", "utf-16-le": "utf-16 LE", "utf-16-be": "utf-16 BE"}
DELIMITER_LABELS = {"\t": "табуляция"}

# Candidates for automatic detection; cp866 is left to the manual choice (rare, and it competes with cp1251).
_DETECT_ENCODINGS = ["utf_8", "cp1251", "koi8_r", "cp1252"]
_CODEC_NAMES = {"utf_8": "utf-8", "koi8_r": "koi8-r", "cp1251": "cp1251", "cp1252": "cp1252"}
_DETECT_BYTES = 256 * 1024
_HEAD_LIMIT = 64 * 1024 * 1024  # the first lines are looked for in at most this many bytes
_SNIFF_LINES = 50
_TITLE_LINES = 10
_HEADER_SEARCH_ROWS = 30
_EXCEL_WHOLE_BYTES = 5 * 1024 * 1024  # larger books are streamed (read-only mode: no merged cells)
_SAMPLE_ROWS = 500  # rows below the header that decide which columns pandas parses as numbers
# What pandas reads as missing by default, so the typed columns match what analysts know from pandas.
_NULL_VALUES = ("", "#N/A", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
_NULL_SET = frozenset(_NULL_VALUES)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_SPREADSHEET_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_DIGITS_AT_RISK = re.compile(r"(?m)^(?:[-−]?0[0-9]|\+)|[0-9]{16}")  # «007», «+7916…», account numbers
_INTEGER = r"-?(?:0|[1-9][0-9]{0,14})"
_PLAIN_INTEGERS = re.compile(rf"{_INTEGER}(?:\n{_INTEGER})*")  # sampled cells joined by line breaks
_PLAIN_DECIMALS = {mark: re.compile(rf"{_INTEGER}(?:\{mark}[0-9]+)?(?:\n{_INTEGER}(?:\{mark}[0-9]+)?)*")
                   for mark in DECIMALS}
_NUMBER_LIKE = (re.compile(values_mod.number_pattern(",")), re.compile(values_mod.number_pattern(".")))

csv.field_size_limit(2**31 - 1)  # cells over 131 072 characters (the default limit) must not stop sniffing


@dataclass(frozen=True)
class ReadOptions:
    """What the user chose instead of automatic detection; `None` means «определить автоматически»."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Detected:
    """How the file was read: shown to the user and part of the dataset id."""

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    numeric_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()
    bool_columns: tuple[str, ...] = ()
    units: dict[str, str] = field(default_factory=dict)  # column → lib.units code: pct, rub, usd, eur
    notes: tuple[str, ...] = ()

    def settings(self) -> dict[str, str]:
        """The effective reading settings (stable for the same bytes): part of the dataset id."""
        keys = ("format", "encoding", "delimiter", "decimal", "sheet")
        return {k: getattr(self, k) for k in keys if getattr(self, k) is not None} | {
            "reader": str(READER_VERSION)}

    def summary(self) -> str:
        """«Кодировка cp1251 · разделитель «;» · десятичный знак «,»» (or the sheet for Excel)."""
        parts = []
        if self.encoding:
            parts.append(f"кодировка {ENCODING_LABELS.get(self.encoding, self.encoding)}")
        if self.delimiter:
            parts.append("разделитель — табуляция" if self.delimiter == "\t" else f"разделитель «{self.delimiter}»")
        if self.decimal:
            parts.append(f"десятичный знак «{self.decimal}»")
        if self.sheet:
            parts.append(f"лист «{self.sheet}»")
        if not parts:
            return f"Формат: {self.format}"
        text = " · ".join(parts)
        return text[0].upper() + text[1:]


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    detected: Detected


def file_format(filename: str) -> str:
    """`csv`, `xlsx`, `parquet` or `json` by the file's extension; anything else is a `DataError`."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix == ".xls":
        raise DataError(f"Файл «{filename}» — в старом формате Excel (.xls), его чтение не поддерживается. "
                        "Откройте его в Excel и сохраните как .xlsx или CSV.")
    if not suffix:
        raise DataError(f"У файла «{filename}» нет расширения, и непонятно, как его читать. "
                        f"Загрузите {FORMAT_NAMES} с соответствующим расширением.")
    raise DataError(f"Формат {suffix} не поддерживается. Загрузите {FORMAT_NAMES}.")


def read_table(data: bytes, filename: str, options: ReadOptions | None = None, *,
               max_bytes: int | None = None) -> Table:
    """Read a table file from its bytes. `filename` gives the format; `options` override detection."""
    options = options or ReadOptions()
    fmt = file_format(filename)
    if max_bytes is not None and len(data) > max_bytes:
        raise DataError(f"Файл «{filename}» весит {fmt_bytes(len(data))} — больше предела "
                        f"{fmt_bytes(max_bytes)}. Оставьте в файле только нужные строки и столбцы "
                        "или увеличьте предел настройкой SVODKA_MAX_UPLOAD_MB.")
    if not data or data.isspace():
        raise DataError(f"Файл «{filename}» пустой. Выберите файл, в котором есть таблица.")
    reader = {"csv": _read_delimited, "xlsx": _read_excel, "parquet": _read_parquet, "json": _read_json}[fmt]
    try:
        frame, detected = reader(data, filename, options)
    except DataError:
        raise
    except Exception as exc:  # a case the checks above missed must still reach the user as a message
        raise DataError(f"Файл «{filename}» не удалось прочитать как таблицу. Проверьте, что это {FORMAT_NAMES} "
                        "с расширением, соответствующим содержимому, или выберите настройки чтения вручную.",
                        detail=f"{type(exc).__name__}: {exc}") from exc
    finally:
        release_free_heap()  # the parser's memory, read or not, before the pages allocate theirs
    keep_table_memory(len(frame))
    return Table(frame, detected)


def excel_sheet_names(source: bytes | Path | IO[bytes]) -> tuple[str, ...]:
    """Sheet names of an .xlsx from its workbook part only (cheap even for a big book); () if unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as book:
            root = ElementTree.fromstring(book.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return ()
    return tuple(sheet.get("name", "") for sheet in root.iterfind("m:sheets/m:sheet", _SPREADSHEET_NS))


# --- text: encoding -------------------------------------------------------------------------------------

def _binary_error(filename: str) -> DataError:
    return DataError(f"Файл «{filename}» не похож на текстовую таблицу: в нём двоичные данные. "
                     "Сохраните таблицу как CSV (UTF-8) или XLSX; если это выгрузка в UTF-16, "
                     "выберите кодировку utf-16 в настройках чтения.")


def _sniff_container(data: bytes, filename: str) -> None:
    if data.startswith(b"PK\x03\x04"):
        raise DataError(f"Файл «{filename}» — архив ZIP или книга Excel, а не текст. Если это книга Excel, "
                        "загрузите её с расширением .xlsx; если архив — распакуйте и загрузите таблицу.")
    if data.startswith(b"PAR1"):
        raise DataError(f"Файл «{filename}» — в формате Parquet. Загрузите его с расширением .parquet.")
    if data.startswith(b"%PDF"):
        raise DataError(f"Файл «{filename}» — документ PDF, а не таблица. Выгрузите данные в CSV или XLSX.")


@dataclass(frozen=True)
class _Encoded:
    """Bytes ready for the parser: `body` (BOM removed) in the Python codec `codec`; `label` is what is shown."""

    body: bytes
    codec: str
    label: str
    notes: tuple[str, ...] = ()


def _utf8_valid(data: bytes) -> bool:
    """Whole-buffer UTF-8 validation in pyarrow (SIMD, no Python str is built)."""
    binary = pa.Array.from_buffers(pa.binary(), 1, [None, pa.array([0, len(data)], pa.int32()).buffers()[1],
                                                    pa.py_buffer(data)])
    try:
        binary.cast(pa.string()).validate(full=True)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return False
    return True


def _whole_lines(head: bytes, total: int) -> int:
    """Length of `head` up to its last line break (all of it when it is the whole file)."""
    if len(head) >= total:
        return len(head)
    cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return cut + 1 if cut >= 0 else len(head)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM: NUL bytes sit in every other position (high bytes of ASCII/Cyrillic)."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _explicit_encoding(data: bytes, filename: str, encoding: str) -> _Encoded:
    if encoding not in ENCODINGS:
        raise DataError(f"Кодировка «{encoding}» не поддерживается. Выберите одну из: {', '.join(ENCODINGS)}.")
    codec = encoding
    if encoding in ("utf-8", "utf-8-sig"):
        codec = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        if not _utf8_valid(data):
            _raise_undecodable(data, filename, encoding)
    elif encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le"
    return _Encoded(data, codec, encoding)


def _raise_undecodable(data: bytes, filename: str, encoding: str) -> None:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError(f"Файл «{filename}» не читается в кодировке {encoding} (ошибка в байте "
                        f"№{exc.start + 1}). Выберите другую кодировку или «автоматически».",
                        detail=str(exc)) from exc
    raise DataError(f"Файл «{filename}» не читается в кодировке {encoding}. Выберите другую кодировку "
                    "или «автоматически».")


def _encoding(data: bytes, filename: str, encoding: str | None) -> _Encoded:
    """Detect the encoding on a head sample (BOM, UTF-16 without BOM, UTF-8, charset-normalizer, cp1251)."""
    if encoding:
        return _explicit_encoding(data, filename, encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        return _Encoded(data, "utf-8-sig", "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _Encoded(data, "utf-16", "utf-16")
    _sniff_container(data, filename)
    head = data[:_DETECT_BYTES]
    wide = _utf16_without_bom(head)
    if wide:
        return _Encoded(data, wide, wide)
    if b"\x00" in data[:8192]:
        raise _binary_error(filename)
    if _utf8_valid(head[:_whole_lines(head, len(data))]):
        return _Encoded(data, "utf-8", "utf-8")  # the parser decodes strictly: a bad byte further on → _mixed
    lines = [line for line in head.splitlines() if not line.isascii()]
    if len(head) < len(data):
        lines = lines[:-1] if lines and not head.endswith((b"\n", b"\r")) else lines
    utf8_lines = sum(_utf8_line(line) for line in lines)
    if utf8_lines or not lines:  # UTF-8 lines beside others, or an ASCII head with other bytes further on
        return _mixed(data, filename)
    return _Encoded(data, *_single_byte(head, filename))


def _utf8_line(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _single_byte(head: bytes, filename: str) -> tuple[str, str, tuple[str, ...]]:
    """codec, label, notes for a file that is not UTF-8: charset-normalizer, a looser try, then cp1251."""
    for threshold in (0.2, 0.5):
        best = from_bytes(head, cp_isolation=_DETECT_ENCODINGS, threshold=threshold).best()
        if best is not None:
            name = _CODEC_NAMES.get(best.encoding, best.encoding)
            return name, name, ()
    if _looks_binary(head.decode("cp1251", errors="replace")):
        raise _binary_error(filename)
    return "cp1251", "cp1251", ("Кодировку не удалось определить уверенно; файл прочитан как cp1251 "
                                "(Windows). Если буквы искажены, выберите кодировку вручную.",)


def _mixed(data: bytes, filename: str) -> _Encoded:
    """Lines in UTF-8 and lines in a single-byte encoding: each line is decoded in the encoding it is valid
    in; the majority encoding names the file and the note counts the other lines."""
    lines = data.splitlines(keepends=True)
    foreign = [line for line in lines if not line.isascii() and not _utf8_line(line)]
    single, label, notes = _single_byte(b"".join(foreign[:2000]), filename) if foreign else ("cp1251", "", ())
    utf8_count = sum(1 for line in lines if not line.isascii()) - len(foreign)
    majority_utf8 = utf8_count >= len(foreign)
    decoded: list[str] = []
    others: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            decoded.append(line.decode("ascii"))
        elif _utf8_line(line):
            decoded.append(line.decode("utf-8"))
            if not majority_utf8:
                others.append(number)
        else:
            decoded.append(line.decode(single, errors="replace"))
            if majority_utf8:
                others.append(number)
    main, other = ("utf-8", single) if majority_utf8 else (single, "utf-8")
    text = "".join(decoded)
    if _looks_binary(text[:65536]):
        raise _binary_error(filename)
    note = (f"Файл в смешанной кодировке: основная — {main}; строк в кодировке {other}: {len(others)} "
            f"(первая — строка {others[0] if others else 0} файла), они перекодированы. Проверьте эти строки.")
    return _Encoded(text.encode("utf-8"), "utf-8", main, (*notes, note) if others else notes)


def _decode(data: bytes, filename: str, encoding: str | None) -> tuple[str, str, tuple[str, ...]]:
    """The whole text (for JSON), the encoding shown, notes."""
    encoded = _encoding(data, filename, encoding)
    try:
        text = encoded.body.decode(encoded.codec)
    except UnicodeDecodeError:
        if encoding:
            _raise_undecodable(encoded.body, filename, encoding)
        text = encoded.body.decode(encoded.codec, errors="replace")
    return text.removeprefix("\ufeff"), encoded.label, encoded.notes


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


# --- text: delimiter ------------------------------------------------------------------------------------

def _sniff_delimiter(lines: list[str]) -> str | None:
    """The candidate that splits the header into ≥ 2 fields and the following lines into as many.

    A candidate that must skip title lines to find such a header ranks below one that need not; then more
    consistent splitting wins; ties go to the earlier candidate in DELIMITERS (`,` is last: it is also the
    decimal mark).
    """
    best: tuple[int, float, int, str] | None = None
    for rank, candidate in enumerate(DELIMITERS):
        try:
            rows = list(csv.reader(lines, delimiter=candidate))
        except csv.Error:
            continue
        skip = _title_rows(rows)
        if skip is None:
            continue
        width = len(rows[skip])
        body = rows[skip + 1:]
        consistency = sum(len(r) == width for r in body) / len(body) if body else 1.0
        score = (-skip, consistency, -rank, candidate)
        if best is None or score > best:
            best = score
    return best[3] if best else None


def _title_rows(rows: list[list[str]]) -> int | None:
    """How many one-field lines (report titles) precede the first line with ≥ 2 fields; None if none has."""
    for index, row in enumerate(rows[:_TITLE_LINES + 1]):
        if len(row) >= 2:
            return index
    return None


def _head_text(encoded: _Encoded) -> str:
    """The first lines of the file as text (enough for sniffing, whole lines only, long cells included)."""
    body = encoded.body
    end = min(len(body), _DETECT_BYTES)
    while end < len(body) and end < _HEAD_LIMIT and max(body.count(b"\n", 0, end),
                                                         body.count(b"\r", 0, end)) <= _SNIFF_LINES:
        end = min(len(body), end * 2, _HEAD_LIMIT)
    chunk = body[:end]
    if encoded.codec.startswith("utf-16"):
        chunk = chunk[:len(chunk) // 2 * 2]
    text = chunk.decode(encoded.codec, errors="replace")
    if end < len(body):
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[:cut + 1] if cut >= 0 else text
    return text


@dataclass(frozen=True)
class _Layout:
    delimiter: str
    skip_lines: int  # physical lines above the header (titles, blank lines, «sep=;»)
    titles: int  # non-blank lines skipped: named in a note
    header: tuple[str, ...]  # the header's cells
    sample: tuple[tuple[str, ...], ...]  # rows below the header in the head of the file


def _layout(encoded: _Encoded, text: str, filename: str, options: ReadOptions) -> _Layout:
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's «sep=;» first line
    delimiter = options.delimiter or (hint.group(1) if hint else None)
    if delimiter is not None and delimiter not in DELIMITERS:
        raise DataError(f"Разделитель «{delimiter}» не поддерживается. Выберите «;», табуляцию, «|» или «,».")
    lines = [(match.start(), match.group()) for match in _LINE.finditer(text)]  # the last may lack a break
    start = 1 if hint else 0
    filled = [(i, line) for i, (_, line) in enumerate(lines) if i >= start and line.strip()]
    if delimiter is None:
        delimiter = _sniff_delimiter([line for _, line in filled[:_SNIFF_LINES]])
        if delimiter is None:
            raise DataError(f"В файле «{filename}» не найден разделитель столбцов: каждая строка читается как "
                            "один столбец. Если в таблице несколько столбцов, выберите разделитель в "
                            "настройках чтения; таблица из одного столбца для сводки не подходит.")
    if not filled:
        raise DataError(f"Файл «{filename}» пустой. Выберите файл, в котором есть таблица.")
    rows = list(csv.reader([line for _, line in filled[:_HEADER_SEARCH_ROWS + _TITLE_LINES]], delimiter=delimiter))
    titles = _title_rows(rows) or 0
    widest = max((len(row) for row in rows[titles:]), default=0)
    grid = pd.DataFrame([[cell if cell.strip() else None for cell in row] + [None] * (widest - len(row))
                         for row in rows[titles:]])
    header = titles + (_header_row(grid) if not grid.empty else 0)
    header = min(header, len(filled) - 1)
    physical = filled[header][0]
    try:
        below = [line for _, line in filled[header + 1:header + 1 + _SAMPLE_ROWS]]
        sample = tuple(tuple(row) for row in csv.reader(below, delimiter=delimiter))
    except csv.Error:
        sample = ()
    return _Layout(delimiter, physical, header, tuple(rows[header]) if header < len(rows) else ("",), sample)


def _read_delimited(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    encoded = _encoding(data, filename, options.encoding)
    text = _head_text(encoded)
    if _looks_binary(text):
        raise _binary_error(filename)
    if not text.strip():
        raise DataError(f"Файл «{filename}» пустой. Выберите файл, в котором есть таблица.")
    layout = _layout(encoded, text, filename, options)
    if options.decimal is not None and options.decimal not in DECIMALS:
        raise DataError(f"Десятичный разделитель «{options.decimal}» не поддерживается: выберите «,» или «.».")
    columns, encoded, decimal, integers = _parse(encoded, layout, filename, options)
    names = [_header_name(cell) for cell in layout.header]
    integer_names = {names[i] for i in integers}
    table, notes = _named_columns(names, columns, filename)
    if layout.titles:
        notes.insert(0, f"Пропущено строк над таблицей (заголовки отчёта): {layout.titles}.")
    table, totals = _without_labelled_totals(table)
    for name, values in table.items():  # integers that were float only because of blank or totals rows
        if isinstance(values, pd.Series) and values.dtype.kind == "f" and name in integer_names \
                and not values.isna().any():
            table[name] = values.astype("int64")
    text_columns = {name: values for name, values in table.items() if isinstance(values, pa.ChunkedArray)}
    typed = values_mod.typed_columns(text_columns, decimal)
    frame = pd.DataFrame({name: values_mod.to_series(typed.columns[name]) if name in text_columns else values
                          for name, values in table.items()}, copy=False)
    flags = {name for name, values in table.items() if isinstance(values, pd.Series) and values.dtype == bool}
    typed.numeric = [name for name in table if (name not in text_columns and name not in flags)
                     or name in typed.numeric]
    typed.booleans = [name for name in table if name in flags or name in typed.booleans]
    if values_mod.sum_row(frame, typed.numeric):
        last = {name: _cell_text(_cell(values, -1)) for name, values in table.items()
                if _cell(values, -1) is not None}
        totals.append(values_mod.totals_note([last], [len(frame) - 1]))
        frame = frame.iloc[:-1].reset_index(drop=True)
    notes = [*encoded.notes, *notes, *totals, *typed.notes, *_single_column_notes(frame)]
    detected = Detected("csv", encoding=encoded.label, delimiter=layout.delimiter, decimal=decimal,
                        numeric_columns=tuple(typed.numeric), date_columns=tuple(typed.dates),
                        bool_columns=tuple(typed.booleans), units=typed.units, notes=tuple(notes))
    return frame, detected


def _parse(encoded: _Encoded, layout: _Layout, filename: str,
           options: ReadOptions) -> tuple[list[Column], _Encoded, str, set[int]]:
    """The data rows (below the header) as columns, parsed by pandas' C parser from the bytes with the
    detected encoding. pandas infers the numbers itself (as fast as `read_csv`); only columns whose sample
    has codes with leading zeros or long digit runs are read as text, since its number parsing would lose
    those digits. Text columns go on as pyarrow strings to `values.typed_columns`.
    Returns the columns, the encoding actually used, the decimal mark and the columns sampled as integers."""
    width = len(layout.header)
    full_rows = [row for row in layout.sample if len(row) == width]
    cells = list(zip(*full_rows, strict=True)) if full_rows else [()] * width
    samples = [[cell for cell in (value.strip() for value in column) if cell and cell not in _NULL_SET]
               for column in cells]
    joined = ["\n".join(sample) for sample in samples]  # one regex call per column instead of one per cell
    integers = {i for i, sample in enumerate(joined) if sample and _PLAIN_INTEGERS.fullmatch(sample)}
    decimal = options.decimal or values_mod.detect_decimal(
        [sample for i, sample in enumerate(samples) if i not in integers], layout.delimiter)
    plain = _PLAIN_DECIMALS[decimal] if decimal != layout.delimiter else _PLAIN_INTEGERS
    text = [i for i, sample in enumerate(joined) if i not in integers and not plain.fullmatch(sample)
            and _DIGITS_AT_RISK.search(sample)]
    try:
        frame = _pandas_csv(encoded, layout, filename, text, decimal)
    except UnicodeDecodeError:
        if options.encoding:
            _raise_undecodable(encoded.body, filename, options.encoding)
        if encoded.codec == "utf-8" and not encoded.notes:  # valid UTF-8 at the head only: lines differ
            return _parse(_mixed(encoded.body, filename), layout, filename, options)
        repaired_text = encoded.body.decode(encoded.codec, errors="replace")
        note = (f"Часть символов не читается в кодировке {encoded.label} и заменена на «�». "
                "Если текст искажён, выберите кодировку вручную.")
        repaired = _Encoded(repaired_text.encode("utf-8"), "utf-8", encoded.label, (*encoded.notes, note))
        return _parse(repaired, layout, filename, options)
    columns: list[Column] = []
    for i in range(width):
        series = frame.iloc[:, i]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            columns.append(series.rename(None))
            continue
        try:
            columns.append(values_mod.as_strings(series))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # chunks of one column typed differently (low_memory)
            again = _pandas_csv(encoded, layout, filename, list(range(width)), decimal, usecols=[i]).iloc[:, 0]
            columns.append(values_mod.as_strings(again))
    return columns, encoded, decimal, integers


def _pandas_csv(encoded: _Encoded, layout: _Layout, filename: str, text: list[int], decimal: str,
                usecols: list[int] | None = None) -> pd.DataFrame:
    names = [f"f{i}" for i in range(len(layout.header))]
    try:
        return pd.read_csv(io.BytesIO(encoded.body), sep=layout.delimiter, header=0, names=names,
                           skiprows=layout.skip_lines, encoding=encoded.codec, engine="c",
                           dtype={names[i]: object for i in text}, skip_blank_lines=True,  # str is slower
                           decimal=decimal if decimal != layout.delimiter else ".",
                           usecols=usecols)
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"Файл «{filename}» пустой. Выберите файл, в котором есть таблица.") from exc
    except pd.errors.ParserError as exc:
        found = _PARSER_LINE.search(str(exc))
        if found:
            expected, line, seen = found.groups()
            raise DataError(f"В строке {line} файла «{filename}» {seen} значений, а в строке заголовка "
                            f"({layout.skip_lines + 1}) {expected}. "
                            "Проверьте разделитель (его можно выбрать в настройках чтения) и кавычки "
                            "в этой строке.", detail=str(exc)) from exc
        if "EOF inside string" in str(exc):
            raise DataError(f"В файле «{filename}» есть незакрытая кавычка: таблица обрывается внутри "
                            "значения. Исправьте кавычки или выберите другой разделитель.",
                            detail=str(exc)) from exc
        raise DataError(f"Файл «{filename}» не удалось разобрать как таблицу. Проверьте разделитель и "
                        "кодировку в настройках чтения.", detail=str(exc)) from exc


def _missing(values: Column) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.isna().to_numpy()
    return pc.is_null(values).to_numpy(zero_copy_only=False)


def _has_missing(values: Column) -> bool:
    return bool(values.isna().any()) if isinstance(values, pd.Series) else values.null_count > 0


def _kept(values: Column, keep: np.ndarray) -> Column:
    if isinstance(values, pd.Series):
        return values[keep].reset_index(drop=True)
    return values.filter(pa.array(keep))


def _cell(values: Column, row: int) -> object:
    value = values.iloc[row] if isinstance(values, pd.Series) else values[row].as_py()
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _named_columns(names: list[str], columns: list[Column],
                   filename: str) -> tuple[dict[str, Column], list[str]]:
    """Header names validated; empty unnamed columns and blank rows dropped (each with a note)."""
    notes: list[str] = []
    keep = [i for i, name in enumerate(names) if name or not _missing(columns[i]).all()]
    if len(keep) < len(names):
        notes.append(f"Пропущено пустых столбцов без названия: {len(names) - len(keep)}.")
        names, columns = [names[i] for i in keep], [columns[i] for i in keep]
    _check_names(names, filename)
    rows = len(columns[0])
    blank = np.ones(rows, dtype=bool) if all(_has_missing(v) for v in columns) else np.zeros(rows, dtype=bool)
    for values in columns if blank.any() else ():
        blank &= _missing(values)
    blank_count = int(blank.sum())
    if blank_count == rows:
        raise DataError(f"В файле «{filename}» есть только строка заголовка, а данных нет. "
                        "Загрузите файл со строками данных.")
    if blank_count:
        columns = [_kept(values, ~blank) for values in columns]
        notes.append(f"Пропущено пустых строк: {blank_count}.")
    return dict(zip(names, columns, strict=True)), notes


def _check_names(names: list[str], filename: str) -> None:
    """Every column has a name of its own in the header, or the file is refused with what to fix."""
    if not names:
        raise DataError(f"В файле «{filename}» нет таблицы: не найдено ни одного столбца.")
    empty = [i + 1 for i, name in enumerate(names) if not name]
    if empty:
        where = ", ".join(f"№{i}" for i in empty)
        raise DataError(f"В файле «{filename}» у столбцов {where} нет названия в первой строке. "
                        "Дайте каждому столбцу название и загрузите файл снова.")
    duplicates = _duplicates(names)
    if duplicates:
        listed = ", ".join(f"«{name}»" for name in duplicates)
        raise DataError(f"В файле «{filename}» повторяются названия столбцов: {listed}. Переименуйте "
                        "столбцы так, чтобы названия не совпадали, и загрузите файл снова.")


def _without_labelled_totals(table: dict[str, Column]) -> tuple[dict[str, Column], list[str]]:
    """Rows labelled «Итого», «Всего», «Total» are taken out and named in a note with their values."""
    text = {name: values for name, values in table.items() if isinstance(values, pa.ChunkedArray)}
    first = list(table)[:3]
    mask = values_mod.labelled_totals({name: values for name, values in text.items() if name in first})
    if mask is None:
        return table, []
    hits = mask.to_numpy(zero_copy_only=False)
    positions = [int(i) for i in np.flatnonzero(hits)]
    rows = [{name: _cell_text(_cell(values, i)) for name, values in table.items() if _cell(values, i) is not None}
            for i in positions[:3]]
    note = values_mod.totals_note(rows, positions)
    return {name: _kept(values, ~hits) for name, values in table.items()}, [note]


# --- header and shape -----------------------------------------------------------------------------------

def _frame_with_header(raw: pd.DataFrame, filename: str, header_row: int = 0) -> tuple[pd.DataFrame,
                                                                                       tuple[str, ...]]:
    """Take `header_row` as column names (validated), the rows below as data; drop blank edges."""
    notes: list[str] = []
    names = [_header_name(v) for v in raw.iloc[header_row]] if len(raw) > header_row else []
    body = raw.iloc[header_row + 1:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    keep = [i for i, name in enumerate(names) if name or body[i].notna().any()]
    dropped = len(names) - len(keep)
    if dropped:
        names = [names[i] for i in keep]
        body = body[keep]
        notes.append(f"Пропущено пустых столбцов без названия: {dropped}.")
    _check_names(names, filename)
    body.columns = names
    blank_rows = body.isna().all(axis=1)
    if blank_rows.any() and not blank_rows.all():
        body = body[~blank_rows].reset_index(drop=True)
        notes.append(f"Пропущено пустых строк: {int(blank_rows.sum())}.")
    elif blank_rows.all():
        body = body.iloc[0:0]
    if body.empty:
        raise DataError(f"В файле «{filename}» есть только строка заголовка, а данных нет. "
                        "Загрузите файл со строками данных.")
    return body, tuple(notes)


def _cell_text(value: object) -> str:
    """A cell as the note shows it: numbers the Russian way (2070,12), text as it was."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return fmt_num(value)


def _duplicates(names: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for name in names:
        (repeated if name in seen else seen).add(name)
    return sorted(repeated)


def _header_name(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _single_column_notes(frame: pd.DataFrame) -> tuple[str, ...]:
    if frame.shape[1] == 1:
        return ("В таблице один столбец: сравнения групп и связи между столбцами будут недоступны. "
                "Если столбцов должно быть больше, выберите другой разделитель.",)
    return ()


def _only_strings(series: pd.Series) -> bool:
    if isinstance(series.dtype, pd.StringDtype):
        return True
    if series.dtype != object:
        return False  # is_string_dtype says True for any object column, whatever its cells
    return bool(series.dropna().map(type).eq(str).all())


def _typed_frame(frame: pd.DataFrame, decimal: str | None, delimiter: str | None, *, numbers: bool = True,
                 booleans: bool = True) -> tuple[pd.DataFrame, values_mod.Typed]:
    """Text columns of a frame typed by `values.typed_columns`; other columns kept as they are."""
    text = {name: values_mod.as_strings(frame[name]) for name in frame.columns if _only_strings(frame[name])}
    if decimal is None:
        decimal = values_mod.detect_decimal([values_mod.sample_of(values_mod.cleaned(v)) for v in text.values()],
                                            delimiter)
    typed = values_mod.typed_columns(text, decimal, numbers=numbers, booleans=booleans)
    columns = {name: values_mod.to_series(typed.columns[name]) if name in typed.columns else frame[name]
               for name in frame.columns}
    return pd.DataFrame(columns, index=range(len(frame))), typed


# --- Excel ----------------------------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _not_a_book(filename: str, detail: str = "") -> DataError:
    return DataError(f"Файл «{filename}» не является книгой Excel (.xlsx) или повреждён. Откройте его в "
                     "Excel и сохраните как .xlsx заново или выгрузите в CSV.", detail=detail)


def _read_excel(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise DataError(f"Книга «{filename}» защищена паролем (зашифрована), её нельзя прочитать. Откройте "
                            "её в Excel, снимите пароль (Файл → Сведения → Защита книги) и загрузите снова.")
        raise DataError(f"Файл «{filename}» — в старом формате Excel (.xls), его чтение не поддерживается. "
                        "Откройте его в Excel и сохраните как .xlsx или CSV.")
    if not data.startswith(b"PK\x03\x04"):
        raise _not_a_book(filename)
    try:
        # read-only (streaming) mode has no merged cells: used only for books too big to load whole
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=len(data) > _EXCEL_WHOLE_BYTES)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, InvalidFileException) as exc:
        raise _not_a_book(filename, str(exc)) from exc
    sheets = tuple(book.sheetnames)
    if options.sheet is not None and options.sheet not in sheets:
        listed = ", ".join(f"«{s}»" for s in sheets)
        raise DataError(f"В книге «{filename}» нет листа «{options.sheet}». Листы: {listed}.")
    empty: list[str] = []
    for sheet in [options.sheet] if options.sheet is not None else list(sheets):
        raw = _sheet_grid(book[sheet])
        if not raw.empty:
            break
        empty.append(sheet)
    else:
        if options.sheet is not None:
            raise DataError(f"Лист «{options.sheet}» в книге «{filename}» пуст: на нём нет таблицы. "
                            "Выберите другой лист.")
        raise DataError(f"В книге «{filename}» нет таблицы: все листы пусты. Проверьте, тот ли файл выбран.")
    notes: list[str] = []
    if empty:
        listed = ", ".join(f"«{s}»" for s in empty)
        which = f"Лист {listed} пуст" if len(empty) == 1 else f"Листы {listed} пусты"
        notes.append(f"{which}, поэтому прочитан лист «{sheet}». Другой лист можно выбрать в настройках чтения.")
    cells = raw  # with the sheet's row and column numbers, for the formula check
    header_row = _header_row(raw.reset_index(drop=True).set_axis(range(raw.shape[1]), axis="columns"))
    sheet_row = int(raw.index[header_row])
    raw = raw.reset_index(drop=True).set_axis(range(raw.shape[1]), axis="columns")
    if header_row + 1 < len(raw) and _merged_across(book[sheet], sheet_row + 1):
        top, below = raw.iloc[header_row].tolist(), raw.iloc[header_row + 1].tolist()
        joined = [_joined_name(a, b) for a, b in zip(top, below, strict=True)]
        raw = pd.concat([raw.iloc[:header_row], pd.DataFrame([joined], dtype=object),
                         raw.iloc[header_row + 2:]], ignore_index=True)
        examples = ", ".join(f"«{n}»" for n in joined if " · " in n)
        notes.append(f"Заголовок в две строки объединён в названия столбцов: {examples}.")
    frame, shape_notes = _frame_with_header(raw, filename, header_row)
    notes.extend(shape_notes)
    if header_row:
        notes.insert(0, f"Пропущено строк над таблицей (заголовки отчёта): {header_row}.")
    names = [_header_name(v) for v in raw.iloc[header_row]]
    uncached = _uncached_formula_columns(data, sheet, cells, frame)
    if uncached:
        listed = ", ".join(f"«{names[i]}»" for i in uncached if names[i] in frame.columns)
        notes.append(f"В столбцах {listed} формулы без сохранённых значений (файл сохранён не в Excel), "
                     "поэтому ячейки пусты. Откройте книгу в Excel, сохраните её и загрузите снова.")
    frame = pd.DataFrame({name: _excel_column(frame[name]) for name in frame.columns})
    frame, typed = _typed_frame(frame, options.decimal, ";")
    notes.extend(typed.notes)
    notes.extend(_single_column_notes(frame))
    detected = Detected("xlsx", decimal=typed.decimal if typed.numeric else None, sheet=sheet, sheets=sheets,
                        numeric_columns=tuple(typed.numeric), date_columns=tuple(typed.dates),
                        bool_columns=tuple(typed.booleans), units=typed.units, notes=tuple(notes))
    return frame, detected


def _sheet_grid(sheet: Worksheet | ReadOnlyWorksheet) -> pd.DataFrame:
    """Cell values from A1 on, merged ranges filled with their top-left value; empty rows and columns dropped
    (the index and columns keep the sheet's 0-based row and column numbers)."""
    rows = [list(row) for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
    if not rows:
        return pd.DataFrame()
    width = max(len(row) for row in rows)
    for merged in _merged_ranges(sheet):
        if merged.min_row > len(rows) or merged.min_col > width:
            continue  # a merged range below or right of every value
        value = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, min(merged.max_col, width)):
                rows[r][c] = value
    grid = pd.DataFrame(rows, dtype=object)
    return grid.dropna(how="all").dropna(axis=1, how="all")


def _merged_across(sheet: Worksheet | ReadOnlyWorksheet, row: int) -> bool:
    """A header row (1-based) with a range merged across columns: the names go on in the row below."""
    return any(m.min_row <= row <= m.max_row and m.max_col > m.min_col and m.max_row == row
               for m in _merged_ranges(sheet))


def _joined_name(top: object, below: object) -> str:
    upper, lower = _header_name(top), _header_name(below)
    if not upper or upper == lower:
        return lower
    return f"{upper} · {lower}" if lower else upper


def _merged_ranges(sheet: Worksheet | ReadOnlyWorksheet) -> list[CellRange]:
    return list(sheet.merged_cells.ranges) if isinstance(sheet, Worksheet) else []


def _uncached_formula_columns(data: bytes, sheet: str, cells: pd.DataFrame, frame: pd.DataFrame) -> list[int]:
    """Grid columns holding formulas whose cached value is missing (files written by libraries, not Excel):
    the formulas come from a second, read-only pass over the sheet; `cells` holds the cached values with the
    sheet's 0-based row and column numbers as its index and columns."""
    if not frame.isna().any().any():
        return []
    rows = {r: i for i, r in enumerate(cells.index)}
    columns = {c: i for i, c in enumerate(cells.columns)}
    missing = cells.isna().to_numpy()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    found: set[int] = set()
    try:
        for r, row in enumerate(book[sheet].iter_rows(min_row=1, min_col=1)):
            for c, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f" and c in columns and (
                        r not in rows or missing[rows[r], columns[c]]):
                    found.add(columns[c])
    finally:
        book.close()
    return sorted(found)


def _header_row(raw: pd.DataFrame) -> int:
    """Skip report titles above the table: the header is the first row filled at least half as wide.

    Only a row that looks like a header (no numbers in it) is taken; otherwise the first row is the header,
    so a broken header gets its own message instead of a data row silently becoming the column names.
    """
    counts = raw.head(_HEADER_SEARCH_ROWS).notna().sum(axis=1).tolist()
    widest = max(counts, default=0)
    need = max(2, (widest + 1) // 2) if widest >= 2 else 1
    row = next((i for i, c in enumerate(counts) if c >= need), 0)
    if row and any(_number_like(v) for v in raw.iloc[row].dropna()):
        return 0
    return row


def _number_like(value: object) -> bool:
    if isinstance(value, int | float | dt.datetime):
        return True
    text = str(value).strip()
    return any(pattern.fullmatch(text) for pattern in _NUMBER_LIKE)


def _excel_column(series: pd.Series) -> pd.Series:
    """Cells as openpyxl gives them → a typed column (ints, floats, datetimes), else strings."""
    values = series.dropna()
    if values.empty:
        return series.astype("float64")
    kinds = set(values.map(type))
    complete = len(values) == len(series)
    if kinds <= {int, float}:
        if kinds == {int} and complete:
            try:
                return series.astype("int64")
            except OverflowError:
                pass  # beyond int64: float like pandas
        return series.astype("float64")
    if kinds <= {bool}:
        return series.astype("bool") if complete else series
    if kinds <= {dt.datetime, pd.Timestamp}:
        return pd.to_datetime(series)
    return _as_text(series)


def _as_text(series: pd.Series) -> pd.Series:
    """Mixed cells → strings (`5.0` written as `5`), missing stays missing."""
    return series.map(lambda v: v if pd.isna(v) else _header_name(v)).astype("str")


# --- Parquet and JSON -----------------------------------------------------------------------------------

def _read_parquet(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    try:
        table = pa_parquet.ParquetFile(pa.BufferReader(data)).read()  # read_table refuses repeated names
    except Exception as exc:  # pyarrow raises several unrelated types for a broken file
        raise DataError(f"Файл «{filename}» не читается как Parquet: он повреждён или это другой формат. "
                        "Выгрузите таблицу заново.", detail=f"{type(exc).__name__}: {exc}") from exc
    index_columns = [n for n in table.column_names if re.fullmatch(r"__index_level_\d+__", str(n))]
    table = table.drop_columns(index_columns)  # a pandas index saved beside the data is not data
    repeated = _duplicates([str(name) for name in table.column_names])
    if repeated:
        listed = ", ".join(f"«{n}»" for n in repeated)
        raise DataError(f"В файле «{filename}» повторяются названия столбцов: {listed}. Parquet это допускает, "
                        "а таблица для сводки — нет: переименуйте столбцы при выгрузке и загрузите файл снова.")
    columns, notes = {}, []
    for name, values in zip(table.column_names, table.columns, strict=True):
        columns[name], note = _parquet_column(str(name), values)
        if note:
            notes.append(note)
    frame = pa.table(list(columns.values()), names=list(columns)).to_pandas(split_blocks=True)
    frame = _checked_frame(frame, filename)
    frame = pd.DataFrame({name: _json_column(frame[name]) for name in frame.columns})
    return frame, Detected("parquet", notes=(*notes, *_single_column_notes(frame)))


def _parquet_column(name: str, values: pa.ChunkedArray) -> tuple[pa.ChunkedArray, str | None]:
    """Types pandas would turn into objects: decimals → float64, dates → datetime64, binary → text."""
    kind = values.type
    if pa.types.is_decimal(kind):
        return values.cast(pa.float64()), None
    if pa.types.is_date(kind):
        return values.cast(pa.timestamp("us")), None
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        try:
            return values.cast(pa.binary()).cast(pa.string()), (
                f"Столбец «{name}» хранит двоичные данные; это текст UTF-8, и он прочитан как текст.")
        except pa.ArrowInvalid:
            hexed = pa.chunked_array([pa.array([None if v is None else v.hex() for v in values.to_pylist()],
                                               pa.string())])
            return hexed, (f"Столбец «{name}» хранит двоичные данные (не текст); они показаны в "
                           "шестнадцатеричном виде.")
    return values, None


def _read_json(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    text, encoding, decoded_notes = _decode(data, filename, options.encoding)
    try:
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            payload = _json_lines(text)
            if payload is None:
                raise DataError(f"Файл «{filename}» — повреждённый JSON: ошибка в строке {exc.lineno}, "
                                f"позиции {exc.colno}. Исправьте файл или выгрузите его заново.",
                                detail=str(exc)) from exc
    except RecursionError as exc:
        raise DataError(f"JSON в файле «{filename}» вложен слишком глубоко (сотни уровней), такой файл не "
                        "похож на таблицу. Выгрузите данные плоским массивом объектов.") from exc
    records = _json_records(payload, filename)
    notes = list(decoded_notes)
    if isinstance(records, list):
        rows, renamed = _flattened(records)
        frame = pd.DataFrame(rows)
        if renamed:
            listed = ", ".join(f"«{old}» → «{new}»" for old, new in renamed)
            notes.append(f"После раскрытия вложенных объектов названия совпали, поэтому столбцы переименованы: "
                         f"{listed}.")
    else:
        frame = pd.DataFrame(records)
    frame = _checked_frame(frame, filename)
    columns = {}
    for name in frame.columns:
        columns[name], note = _json_big_integers(name, frame[name])
        if note:
            notes.append(note)
    frame = pd.DataFrame({name: _json_column(values) for name, values in columns.items()})
    frame, typed = _typed_frame(frame, ".", None, numbers=False, booleans=False)
    detected = Detected("json", encoding=encoding, date_columns=tuple(typed.dates),
                        notes=(*notes, *typed.notes, *_single_column_notes(frame)))
    return frame, detected


_JSON_DEPTH = 10  # deeper objects stay as JSON text in one column


def _flattened(records: list[dict]) -> tuple[list[dict[str, object]], list[tuple[str, str]]]:
    """Nested objects → «a.b» columns. Two different paths that print alike («a.b» as a key and a → b) get
    distinct names («a.b», «a.b (2)»), so no value is lost; returns the rows and the renamings."""
    names: dict[tuple[str, ...], str] = {}
    taken: set[str] = set()
    renamed: list[tuple[str, str]] = []
    rows = []
    for record in records:
        row: dict[str, object] = {}
        for path, value in _paths(record, ()):
            name = names.get(path)
            if name is None:
                base = name = ".".join(path)
                copy = 2
                while name in taken:
                    name = f"{base} ({copy})"
                    copy += 1
                names[path] = name
                taken.add(name)
                if name != base:
                    renamed.append((base, name))
            row[name] = value
        rows.append(row)
    return rows, renamed


def _paths(value: dict, prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], object]]:
    found: list[tuple[tuple[str, ...], object]] = []
    for key, item in value.items():
        path = (*prefix, str(key))
        if isinstance(item, dict) and item and len(path) < _JSON_DEPTH:
            found.extend(_paths(item, path))
        else:
            found.append((path, item))
    return found


def _json_big_integers(name: str, series: pd.Series) -> tuple[pd.Series, str | None]:
    """Integers beyond int64 cannot be numbers in a frame without losing digits: the column becomes text."""
    if series.dtype != object:
        return series, None
    big = series.map(lambda v: isinstance(v, int) and not isinstance(v, bool) and not -2**63 <= v < 2**63)
    if not big.any():
        return series, None
    text = series.map(lambda v: v if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return text.astype("str"), (f"В столбце «{name}» есть целые числа длиннее 19 цифр (например, "
                                f"{series[big].iloc[0]}); чтобы не потерять цифры, столбец прочитан как текст.")


def _json_lines(text: str) -> list[object] | None:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            return None
    return rows if len(rows) > 1 else None


def _json_records(payload: object, filename: str) -> list[dict] | dict[str, list]:
    not_table = (f"JSON в файле «{filename}» не похож на таблицу. Нужен массив объектов "
                 "([{\"столбец\": значение, …}, …]) или объект со списками значений по столбцам.")
    if isinstance(payload, dict):
        lists = [v for v in payload.values() if isinstance(v, list)]
        if len(payload) == 1 and lists and all(isinstance(r, dict) for r in lists[0]):
            payload = lists[0]  # {"data": [{…}, …]}
        elif payload and len(lists) == len(payload):
            if len({len(v) for v in lists}) != 1:
                raise DataError(f"В JSON «{filename}» списки по столбцам разной длины. Выровняйте их.")
            if not lists[0]:
                raise DataError(f"В JSON «{filename}» нет ни одной записи.")
            return payload
        else:
            raise DataError(not_table)
    if not isinstance(payload, list):
        raise DataError(not_table)
    if not payload:
        raise DataError(f"В JSON «{filename}» нет ни одной записи: массив пуст.")
    if not all(isinstance(row, dict) for row in payload):
        raise DataError(not_table)
    return payload


def _json_column(series: pd.Series) -> pd.Series:
    """Nested lists and objects stay as their JSON text (every cell hashable); text mixed with numbers → text.

    Parquet list and struct columns arrive as numpy arrays and dicts: they become JSON text the same way.
    """
    if series.dtype != object:
        return series
    series = nested_as_json(series)
    kinds = set(series.dropna().map(_cell_kind))
    if "text" in kinds or len(kinds) > 1:  # text, or yes/no mixed with numbers: one column of text
        return _as_text(series)
    return series


def _cell_kind(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "bool"
    return "number" if isinstance(value, int | float | np.number) else "text"


def _checked_frame(frame: pd.DataFrame, filename: str) -> pd.DataFrame:
    names = [_header_name(c) for c in frame.columns]
    if any(not n for n in names):
        raise DataError(f"В файле «{filename}» есть столбцы без названия. Дайте каждому столбцу название.")
    duplicates = _duplicates(names)
    if duplicates:
        listed = ", ".join(f"«{n}»" for n in duplicates)
        raise DataError(f"В файле «{filename}» повторяются названия столбцов: {listed}. Переименуйте их.")
    if frame.shape[1] == 0:
        raise DataError(f"В файле «{filename}» нет таблицы: не найдено ни одного столбца.")
    if frame.empty:
        raise DataError(f"В файле «{filename}» нет строк данных: таблица пуста.")
    frame = frame.copy()
    frame.columns = names
    return frame
