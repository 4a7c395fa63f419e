"""lib.sources.reading: files generated here, read to frames written out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random

import numpy as np
import openpyxl
import pandas as pd
import pytest

from lib.errors import DataError
from lib.sources.reading import ReadOptions, excel_sheet_names, read_table

NBSP = "\u00a0"


def dates(*iso: str) -> pd.Series:
    return pd.Series([dt.datetime.fromisoformat(d) for d in iso], dtype="datetime64[us]")


def text(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


RUSSIAN_EXCEL_CSV = (
    "Дата;Город;Выручка, руб;Заказы;Код\r\n"
    f"01.02.2024;Москва;1{NBSP}234,50;1{NBSP}200;007\r\n"
    "15.03.2024;Санкт-Петербург;-7,25;12;010\r\n"
    f"31.12.2023;Нижний Новгород;12 345 678,9;3;100\r\n"
)
RUSSIAN_EXPECTED = pd.DataFrame({
    "Дата": dates("2024-02-01", "2024-03-15", "2023-12-31"),
    "Город": text("Москва", "Санкт-Петербург", "Нижний Новгород"),
    "Выручка, руб": [1234.5, -7.25, 12345678.9],
    "Заказы": pd.Series([1200, 12, 3], dtype="int64"),
    "Код": text("007", "010", "100"),
})


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- files that must read to exact frames ---------------------------------------------------------------

def test_cp1251_semicolon_decimal_comma_reads_exact_values():
    table = read_table(RUSSIAN_EXCEL_CSV.encode("cp1251"), "выгрузка.csv")
    pd.testing.assert_frame_equal(table.frame, RUSSIAN_EXPECTED)


def test_cp1251_detection_is_reported_in_russian():
    table = read_table(RUSSIAN_EXCEL_CSV.encode("cp1251"), "выгрузка.csv")
    assert table.detected.summary() == "Кодировка cp1251 · разделитель «;» · десятичный знак «,»"
    assert table.detected.numeric_columns == ("Выручка, руб", "Заказы")
    assert table.detected.date_columns == ("Дата",)


def test_semicolon_wins_over_comma_that_is_a_decimal_mark():
    data = "Выручка, руб;Заказы\n1,5;2\n2,5;3\n"
    assert csv.Sniffer().sniff(data).delimiter == ","  # the trap: one "," and one ";" on every line
    table = read_table(data.encode(), "x.csv")
    assert table.detected.delimiter == ";"
    expected = pd.DataFrame({"Выручка, руб": [1.5, 2.5], "Заказы": pd.Series([2, 3], dtype="int64")})
    pd.testing.assert_frame_equal(table.frame, expected)


def test_utf8_bom_comma_file_reads_exact_values():
    data = "\ufeffname,price,when\nчай,12.5,2024-01-31\nкофе,1250.75,2024-02-29\n".encode()
    table = read_table(data, "prices.csv")
    expected = pd.DataFrame({"name": text("чай", "кофе"), "price": [12.5, 1250.75],
                             "when": dates("2024-01-31", "2024-02-29")})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.summary() == "Кодировка utf-8 с BOM · разделитель «,» · десятичный знак «.»"


def test_comma_delimited_file_with_quoted_decimal_commas_reads_numbers():
    # Google Sheets (ru) / LibreOffice export: «,» delimits, decimals are quoted «"1,5"»
    data = 'Город,Сумма,Штук\nМосква,"1,5",3\nКазань,"2 345,25",4\nОмск,7,5\n'.encode()
    table = read_table(data, "a.csv")
    expected = pd.DataFrame({"Город": text("Москва", "Казань", "Омск"), "Сумма": [1.5, 2345.25, 7.0],
                             "Штук": pd.Series([3, 4, 5], dtype="int64")})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert (table.detected.delimiter, table.detected.decimal) == (",", ",")


def test_comma_delimited_file_with_quoted_thousands_keeps_the_dot_decimal():
    data = b'city,amount\nA,"1,234"\nB,"12,500"\nC,3.5\n'
    table = read_table(data, "us.csv")
    pd.testing.assert_series_equal(table.frame["amount"], pd.Series([1234.0, 12500.0, 3.5]), check_names=False)
    assert table.detected.decimal == "."


def test_tab_separated_tsv_reads_exact_values():
    data = "Регион\tНаселение\tПлощадь\nТатарстан\t4 001 625\t67,8\nЧувашия\t1 186 909\t18,3\n".encode()
    table = read_table(data, "regions.tsv")
    expected = pd.DataFrame({"Регион": text("Татарстан", "Чувашия"),
                             "Население": pd.Series([4001625, 1186909], dtype="int64"),
                             "Площадь": [67.8, 18.3]})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.delimiter == "\t"
    assert "разделитель — табуляция" in table.detected.summary()


def test_utf16_tab_text_from_excel_reads_exact_values():
    data = "Товар\tЦена\nМёд\t450,5\nЧай\t99\n".encode("utf-16")
    table = read_table(data, "unicode.txt")
    expected = pd.DataFrame({"Товар": text("Мёд", "Чай"), "Цена": [450.5, 99.0]})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.encoding == "utf-16"


def test_koi8r_file_is_detected():
    source = "Фамилия;Имя;Отчество;Город\nИванов;Пётр;Сергеевич;Ярославль\nСмирнова;Анна;Ивановна;Вологда\n"
    table = read_table(source.encode("koi8-r"), "people.csv")
    assert table.detected.encoding == "koi8-r"
    assert list(table.frame.columns) == ["Фамилия", "Имя", "Отчество", "Город"]
    assert table.frame["Город"].tolist() == ["Ярославль", "Вологда"]


def test_pipe_delimiter_and_datetime_with_time():
    data = b"id|at|value\n1|01.02.2024 09:30|5\n2|02.02.2024 18:05|6\n"
    table = read_table(data, "log.txt")
    expected = pd.DataFrame({"id": pd.Series([1, 2], dtype="int64"),
                             "at": dates("2024-02-01T09:30", "2024-02-02T18:05"),
                             "value": pd.Series([5, 6], dtype="int64")})
    pd.testing.assert_frame_equal(table.frame, expected)


def test_missing_values_and_dashes_make_float_columns():
    data = "Город;Сумма;Штук\nОмск;1,5;\nТомск;-;4\nКурск;2;5\n".encode()
    table = read_table(data, "x.csv")
    expected = pd.DataFrame({"Город": text("Омск", "Томск", "Курск"), "Сумма": [1.5, np.nan, 2.0],
                             "Штук": [np.nan, 4.0, 5.0]})
    pd.testing.assert_frame_equal(table.frame, expected)


def test_invalid_date_keeps_the_column_as_text():
    data = b"d;n\n31.02.2024;1\n01.03.2024;2\n"
    table = read_table(data, "x.csv")
    pd.testing.assert_series_equal(table.frame["d"], text("31.02.2024", "01.03.2024"), check_names=False)


def test_excel_sep_hint_line_and_trailing_delimiters_and_blank_rows():
    data = "sep=;\nа;б;\n1;2;\n;;\n3;4;\n".encode("cp1251")
    table = read_table(data, "excel.csv")
    expected = pd.DataFrame({"а": pd.Series([1, 3], dtype="int64"), "б": pd.Series([2, 4], dtype="int64")})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.notes == ("Пропущено пустых столбцов без названия: 1.", "Пропущено пустых строк: 1.")


def test_report_title_lines_above_the_table_are_skipped():
    data = "Отчёт о продажах\nза январь 2024 г.\n\nМагазин;Выручка\nЦентр;10,5\nСевер;2\n".encode("cp1251")
    table = read_table(data, "1c.csv")
    expected = pd.DataFrame({"Магазин": text("Центр", "Север"), "Выручка": [10.5, 2.0]})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.delimiter == ";"
    assert table.detected.notes == ("Пропущено строк над таблицей (заголовки отчёта): 2.",)


def test_title_padded_with_delimiters_is_skipped():
    data = "Отчёт за 2024;;\nМагазин;Выручка;Чеков\nЦентр;10,5;3\n".encode()
    table = read_table(data, "excel.csv")
    expected = pd.DataFrame({"Магазин": text("Центр"), "Выручка": [10.5], "Чеков": pd.Series([3], dtype="int64")})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.notes == ("Пропущено строк над таблицей (заголовки отчёта): 1.",)


def test_overrides_replace_detection():
    data = b"a;b\n1.234;x\n5.5;y\n"
    auto = read_table(data, "x.csv")
    assert auto.frame["a"].tolist() == [1.234, 5.5]
    chosen = read_table(data, "x.csv", ReadOptions(decimal=","))
    pd.testing.assert_series_equal(chosen.frame["a"], text("1.234", "5.5"), check_names=False)
    koi = read_table("Город;N\nМосква;1\n".encode("cp1251"), "x.csv", ReadOptions(encoding="koi8-r"))
    assert list(koi.frame.columns) == ["Город".encode("cp1251").decode("koi8-r"), "N"]


def test_explicit_delimiter_giving_one_column_is_read_with_a_note():
    table = read_table(b"a;b\n1;2\n", "x.csv", ReadOptions(delimiter="|"))
    pd.testing.assert_frame_equal(table.frame, pd.DataFrame({"a;b": text("1;2")}))
    assert "один столбец" in table.detected.notes[0]


def test_xlsx_with_title_row_typed_cells_and_text_numbers():
    rows = [
        ["Отчёт о продажах за 2024 год"],
        ["Дата", "Магазин", "Выручка", "Чеков", "Сумма текстом"],
        [dt.datetime(2024, 1, 5), "Центр", 1500.5, 12, f"1{NBSP}234,5"],
        [dt.datetime(2024, 1, 6), "Север", 900, 7, "10"],
    ]
    table = read_table(xlsx_bytes({"Продажи": rows}), "отчёт.xlsx")
    expected = pd.DataFrame({
        "Дата": dates("2024-01-05", "2024-01-06"),
        "Магазин": text("Центр", "Север"),
        "Выручка": [1500.5, 900.0],
        "Чеков": pd.Series([12, 7], dtype="int64"),
        "Сумма текстом": [1234.5, 10.0],
    })
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.sheet == "Продажи"
    assert table.detected.notes[0] == "Пропущено строк над таблицей (заголовки отчёта): 1."


def test_xlsx_first_non_empty_sheet_by_default_and_chosen_sheet_on_request():
    book = xlsx_bytes({"Пусто": [], "Данные": [["x", "y"], [1, 2]], "Ещё": [["p", "q"], ["a", "b"]]})
    auto = read_table(book, "book.xlsx")
    assert auto.detected.sheet == "Данные"
    assert auto.detected.sheets == ("Пусто", "Данные", "Ещё")
    chosen = read_table(book, "book.xlsx", ReadOptions(sheet="Ещё"))
    pd.testing.assert_frame_equal(chosen.frame, pd.DataFrame({"p": text("a"), "q": text("b")}))


def test_xlsx_integers_beyond_int64_become_floats_and_times_text():
    book = xlsx_bytes({"Л": [["big", "t"], [10**20, dt.time(10, 30)], [5, dt.time(11, 0)]]})
    table = read_table(book, "b.xlsx")
    expected = pd.DataFrame({"big": [1e20, 5.0], "t": text("10:30:00", "11:00:00")})
    pd.testing.assert_frame_equal(table.frame, expected)


def test_twenty_digit_account_numbers_stay_text_and_distinct():
    data = "Клиент;Счёт\nА;40702810000000000001\nБ;40702810000000000002\n".encode("cp1251")
    table = read_table(data, "a.csv")
    expected = pd.DataFrame({"Клиент": text("А", "Б"), "Счёт": text("40702810000000000001", "40702810000000000002")})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.numeric_columns == ()


def test_long_integers_with_gaps_stay_text_but_int64_ones_stay_numbers():
    gapped = read_table(b"a;b\nx;1234567890123456\ny;\nz;7\n", "g.csv")
    pd.testing.assert_series_equal(gapped.frame["b"], text("1234567890123456", None, "7"), check_names=False)
    exact = read_table(b"a;b\nx;4070281000000000001\ny;2\n", "e.csv")
    pd.testing.assert_series_equal(exact.frame["b"], pd.Series([4070281000000000001, 2], dtype="int64"),
                                   check_names=False)
    short = read_table(b"a;b\nx;123456789012345\ny;\n", "s.csv")
    pd.testing.assert_series_equal(short.frame["b"], pd.Series([123456789012345.0, np.nan]), check_names=False)


def test_old_mac_line_endings():
    table = read_table(b"a;b\r1;2\r3;4\r", "mac.csv")
    expected = pd.DataFrame({"a": pd.Series([1, 3], dtype="int64"), "b": pd.Series([2, 4], dtype="int64")})
    pd.testing.assert_frame_equal(table.frame, expected)


def test_excel_sheet_names_without_reading_cells():
    book = xlsx_bytes({"Итоги": [["a"]], "Детали": []})
    assert excel_sheet_names(book) == ("Итоги", "Детали")
    assert excel_sheet_names(b"not a zip") == ()


def test_parquet_round_trip_keeps_types():
    frame = pd.DataFrame({"n": pd.Series([1, 2, 3], dtype="int64"), "x": [0.5, None, 2.0],
                          "s": text("a", None, "c"), "d": dates("2024-01-01", "2024-01-02", "2024-01-03")})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    table = read_table(buffer.getvalue(), "t.parquet")
    pd.testing.assert_frame_equal(table.frame, frame)


def test_parquet_list_and_struct_cells_become_json_text_and_facts_work():
    from lib.facts.base import Scope
    from lib.facts.overview import overview_facts
    from lib.facts.quality import quality_facts
    from lib.facts.relations import relation_facts

    frame = pd.DataFrame({"tags": [[1, 2], [3], None, [1]], "v": [1.0, 2.0, 3.0, 4.0],
                          "obj": [{"k": "a"}, {"k": "b"}, {"k": "a"}, None]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    table = read_table(buffer.getvalue(), "t.parquet")
    expected = pd.DataFrame({"tags": text("[1, 2]", "[3]", None, "[1]"), "v": [1.0, 2.0, 3.0, 4.0],
                             "obj": text('{"k": "a"}', '{"k": "b"}', '{"k": "a"}', None)})
    pd.testing.assert_frame_equal(table.frame, expected)
    scope = Scope.of("t", "t")
    overview_facts(table.frame, scope)
    relation_facts(table.frame, scope)
    assert quality_facts(table.frame, scope).duplicate_rows == 0


def test_json_records_with_iso_dates_and_nested_values():
    payload = [{"city": "Пермь", "n": 3, "when": "2024-05-01", "tags": ["a", "b"]},
               {"city": "Уфа", "n": 4, "when": "2024-05-02", "tags": []}]
    table = read_table(json.dumps(payload, ensure_ascii=False).encode(), "t.json")
    expected = pd.DataFrame({"city": text("Пермь", "Уфа"), "n": pd.Series([3, 4], dtype="int64"),
                             "when": dates("2024-05-01", "2024-05-02"), "tags": text('["a", "b"]', "[]")})
    pd.testing.assert_frame_equal(table.frame, expected)


def test_json_lines_columns_object_and_wrapped_records_read_alike():
    expected = pd.DataFrame({"a": pd.Series([1, 2], dtype="int64"), "b": text("x", "y")})
    lines = b'{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n'
    columns = b'{"a": [1, 2], "b": ["x", "y"]}'
    wrapped = b'{"data": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}'
    for data in (lines, columns, wrapped):
        pd.testing.assert_frame_equal(read_table(data, "t.json").frame, expected)


# --- broken input: each gets its own Russian message ----------------------------------------------------

def message(data: bytes, filename: str, options: ReadOptions | None = None, **kwargs: object) -> str:
    with pytest.raises(DataError) as caught:
        read_table(data, filename, options, **kwargs)
    return caught.value.user_message


def test_empty_file():
    assert "пустой" in message(b"", "empty.csv")


def test_whitespace_only_file():
    assert "пустой" in message(b"  \r\n\n ", "blank.csv")


def test_unsupported_extension():
    text_ = message(b"%PDF-1.4", "report.pdf")
    assert "Формат .pdf не поддерживается" in text_ and "XLSX" in text_


def test_no_extension():
    assert "нет расширения" in message(b"a;b\n1;2\n", "data")


def test_old_excel_xls():
    assert "сохраните как .xlsx" in message(b"\xd0\xcf\x11\xe0", "old.xls")


def test_binary_with_nul_bytes():
    assert "двоичные данные" in message(b"\x00\x01\x02abc\x00" * 50, "dump.csv")


def test_random_garbage_bytes():
    garbage = random.Random(6).randbytes(4000).replace(b"\x00", b"\x01")
    assert "двоичные данные" in message(garbage, "noise.csv")


def test_control_characters_in_utf8_text():
    assert "двоичные данные" in message(bytes(range(1, 9)) * 200, "ctrl.txt")


def test_excel_book_named_csv():
    book = xlsx_bytes({"Лист1": [["a", "b"], [1, 2]]})
    assert "книга Excel" in message(book, "book.csv")


def test_parquet_named_csv():
    assert "расширением .parquet" in message(b"PAR1\x15\x04garbage", "table.csv")


def test_explicit_encoding_that_does_not_fit():
    text_ = message("Город;N\nМосква;1\n".encode("cp1251"), "x.csv", ReadOptions(encoding="utf-8"))
    assert "не читается в кодировке utf-8" in text_ and "Выберите другую кодировку" in text_


def test_header_only():
    assert "только строка заголовка" in message("Дата;Сумма\r\n".encode("cp1251"), "x.csv")


def test_duplicate_column_names():
    assert "повторяются названия столбцов: «Сумма»" in message("Сумма;Сумма;x\n1;2;3\n".encode(), "d.csv")


def test_empty_column_name_with_data():
    assert "у столбцов №2 нет названия" in message(b"a;;c\n1;2;3\n", "e.csv")


def test_header_with_one_name_is_not_replaced_by_a_data_row():
    assert "у столбцов №2, №3 нет названия" in message(b"a;;\n1;2;3\n4;5;6\n", "e.csv")


def test_single_column_without_delimiter():
    text_ = message("Город\nМосква\nКазань\n".encode(), "one.csv")
    assert "не найден разделитель" in text_ and "выберите разделитель" in text_


def test_row_with_extra_values():
    text_ = message(b"a;b;c\n1;2;3\n4;5;6;7\n", "ragged.csv")
    assert "В строке 3 файла «ragged.csv» 4 значений, а в строке заголовка (1) 3." in text_


def test_ragged_row_is_reported_at_its_line_in_the_file_after_dropped_lines():
    # line 1 «sep=;», 2 title, 3 blank, 4 title, 5 header, 6 data, 7 blank, 8 the row with an extra value
    data = "sep=;\nОтчёт\n\nза 2024\nа;б\n1;2\n\n1;2;3\n".encode()
    text_ = message(data, "titled.csv")
    assert "В строке 8 файла «titled.csv» 3 значений, а в строке заголовка (5) 2." in text_
    crlf = message(b"\r\n\r\na;b\r\n1;2\r\n1;2;3\r\n", "blank.csv")  # header on line 3, the row on 5
    assert "В строке 5 файла «blank.csv» 3 значений, а в строке заголовка (3) 2." in crlf


def test_unclosed_quote():
    assert "незакрытая кавычка" in message(b'a;b\n1;"x\n2;y\n', "quote.csv")


def test_file_over_the_size_limit():
    text_ = message(b"a;b\n" + b"1;2\n" * 400, "big.csv", max_bytes=1024)
    assert "больше предела 1\u00a0КБ" in text_ and "SVODKA_MAX_UPLOAD_MB" in text_


def test_unsupported_delimiter_override():
    assert "Разделитель «:» не поддерживается" in message(b"a:b\n1:2\n", "x.csv", ReadOptions(delimiter=":"))


def test_xlsx_that_is_not_a_zip():
    assert "не является книгой Excel" in message(b"a;b\n1;2\n", "fake.xlsx")


def test_xlsx_corrupted_zip():
    assert "не является книгой Excel" in message(b"PK\x03\x04" + b"\x00" * 200, "broken.xlsx")


def test_xlsx_with_all_sheets_empty():
    assert "все листы пусты" in message(xlsx_bytes({"Лист1": [], "Лист2": []}), "empty.xlsx")


def test_xlsx_chosen_sheet_empty():
    book = xlsx_bytes({"Данные": [["a", "b"], [1, 2]], "Пусто": []})
    assert "Лист «Пусто»" in message(book, "b.xlsx", ReadOptions(sheet="Пусто"))


def test_xlsx_missing_sheet():
    book = xlsx_bytes({"Данные": [["a", "b"], [1, 2]]})
    text_ = message(book, "b.xlsx", ReadOptions(sheet="Итоги"))
    assert "нет листа «Итоги»" in text_ and "«Данные»" in text_


def test_xlsx_header_only():
    assert "только строка заголовка" in message(xlsx_bytes({"Л": [["a", "b", "c"]]}), "h.xlsx")


def test_xlsx_duplicate_headers():
    book = xlsx_bytes({"Л": [["Имя", "Имя"], ["a", "b"]]})
    assert "повторяются названия столбцов: «Имя»" in message(book, "dup.xlsx")


def test_parquet_garbage():
    assert "не читается как Parquet" in message(b"not parquet at all", "t.parquet")


def test_parquet_without_rows():
    buffer = io.BytesIO()
    pd.DataFrame({"a": pd.Series([], dtype="int64"), "b": text()}).to_parquet(buffer)
    assert "нет строк данных" in message(buffer.getvalue(), "t.parquet")


def test_broken_json_names_the_line():
    assert "повреждённый JSON: ошибка в строке 3" in message(b'[\n{"a": 1},\n{"a": 2,,}\n]', "t.json")


def test_json_that_is_not_a_table():
    assert "не похож на таблицу" in message(b"42", "t.json")


def test_json_empty_array():
    assert "массив пуст" in message(b"[]", "t.json")


def test_json_columns_of_different_length():
    assert "разной длины" in message(b'{"a": [1, 2], "b": [1]}', "t.json")
