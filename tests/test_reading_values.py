"""lib.sources.reading on the exports issue 13 lists: totals rows, units, number and date spellings, booleans,
encodings, long cells, Excel headers and formulas, Parquet and JSON types. Every file is built here and the
expected values are written out by hand."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib.errors import DataError
from lib.sources.reading import READER_VERSION, ReadOptions, read_table
from lib.sources.upload import upload_dataset


def text(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def ints(*values: int) -> pd.Series:
    return pd.Series(list(values), dtype="int64")


def read(source: str | bytes, name: str = "x.csv", encoding: str = "utf-8", **options: str):
    data = source.encode(encoding) if isinstance(source, str) else source
    return read_table(data, name, ReadOptions(**options) if options else None)


def message(data: bytes, name: str) -> str:
    with pytest.raises(DataError) as caught:
        read_table(data, name)
    return caught.value.user_message


def test_reader_version_is_bumped_for_the_new_reading():
    assert READER_VERSION == 2


# --- totals ---------------------------------------------------------------------------------------------

def test_1c_totals_row_is_taken_out_and_named_with_its_values():
    table = read("Товар;Сумма;Кол\nА;1 035,06;10\nБ;1 035,06;20\nИтого;2 070,12;30\n", encoding="cp1251")
    expected = pd.DataFrame({"Товар": text("А", "Б"), "Сумма": [1035.06, 1035.06], "Кол": ints(10, 20)})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.frame["Сумма"].sum() == pytest.approx(2070.12)  # not doubled any more
    assert table.detected.notes == ("Строка итогов исключена из данных, чтобы суммы не удваивались — "
                                    "3-я строка данных: Товар «Итого», Сумма «2 070,12», Кол «30».",)


def test_subtotals_total_and_english_total_rows_are_all_taken_out():
    data = "Товар;Сумма\nА;10,5\nБ;20\nИтого по складу:;30,5\nВ;1\nВСЕГО;31,5\nTotal;31,5\n"
    table = read(data)
    pd.testing.assert_frame_equal(table.frame, pd.DataFrame({"Товар": text("А", "Б", "В"),
                                                             "Сумма": [10.5, 20.0, 1.0]}))
    assert table.detected.notes[0].startswith("Строки итогов (3) исключены из данных")
    assert "3-я строка данных: Товар «Итого по складу:», Сумма «30,5»" in table.detected.notes[0]


def test_unlabelled_last_row_of_column_sums_is_a_totals_row():
    table = read("Товар;Сумма;Кол\nА;10,25;1\nБ;20;2\n;30,25;3\n")
    expected = pd.DataFrame({"Товар": text("А", "Б"), "Сумма": [10.25, 20.0], "Кол": ints(1, 2)})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.notes == ("Строка итогов исключена из данных, чтобы суммы не удваивались — "
                                    "3-я строка данных: Сумма «30,25», Кол «3».",)


def test_last_row_that_is_not_the_sum_stays_data():
    table = read("Товар;Сумма\nА;10\nБ;20\n;31\n")
    assert table.frame["Сумма"].tolist() == [10, 20, 31]
    assert table.detected.notes == ()


def test_a_table_of_numbers_only_keeps_a_last_row_that_happens_to_be_the_sum():
    table = read("a;b\n1;1\n2;2\n3;3\n")
    assert table.frame["a"].tolist() == [1, 2, 3]
    assert table.detected.notes == ()


def test_words_that_only_start_like_totals_stay_data():
    table = read("Товар;Сумма\nИтоговый отчёт;1\nВсеволожск;2\nВсего лишь чай;3\nБ;4\n")
    assert table.frame["Товар"].tolist() == ["Итоговый отчёт", "Всеволожск", "Всего лишь чай", "Б"]


def test_totals_for_a_period_are_taken_out():
    table = read("Товар;Сумма\nА;1\nИтого за январь;1\nБ;2\n")
    assert table.frame["Товар"].tolist() == ["А", "Б"]


# --- numbers and units ----------------------------------------------------------------------------------

def test_percent_and_rouble_columns_become_numbers_with_their_unit():
    table = read("Город;Доля;Цена;Выручка\nМосква;12,5%;1 234 ₽;10 руб.\nОмск;7 %;99 р.;2,5 RUB\n")
    expected = pd.DataFrame({"Город": text("Москва", "Омск"), "Доля": [12.5, 7.0], "Цена": ints(1234, 99),
                             "Выручка": [10.0, 2.5]})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.units == {"Доля": "pct", "Цена": "rub", "Выручка": "rub"}  # lib.units codes


def test_dollar_and_euro_marks_before_or_after_the_number():
    table = read("a,b,c\n$1.50,10 €,USD 3\n$20,€7.25,USD 4\n")
    expected = pd.DataFrame({"a": [1.5, 20.0], "b": [10.0, 7.25], "c": ints(3, 4)})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.units == {"a": "usd", "b": "eur", "c": "usd"}


def test_units_reach_the_dataset_for_the_verifier():
    dataset = upload_dataset("Город;Доля\nМосква;12,5%\nОмск;7%\n".encode(), "d.csv")
    assert dataset.units == {"Доля": "pct"}
    from lib.units import column_unit

    assert column_unit("Доля", dataset.units) == "pct"


def test_mixed_currencies_keep_the_column_as_text():
    table = read("a;b\n1 ₽;x\n2 $;y\n")
    pd.testing.assert_series_equal(table.frame["a"], text("1 ₽", "2 $"), check_names=False)
    assert table.detected.units == {}


def test_parentheses_apostrophes_dot_thousands_unicode_minus_and_exponents():
    data = "Долг;Курс;Сумма;Дельта;Малое\n(1 234,00);1'234;1.234,56;−5;1,5e3\n(7);2’000;2.000;−0,25;2E-2\n"
    table = read(data)
    expected = pd.DataFrame({"Долг": [-1234.0, -7.0], "Курс": ints(1234, 2000), "Сумма": [1234.56, 2000.0],
                             "Дельта": [-5.0, -0.25], "Малое": [1500.0, 0.02]})
    pd.testing.assert_frame_equal(table.frame, expected)


def test_codes_with_leading_zeros_stay_text_even_with_a_unit_like_look():
    table = read("Код;Н\n007;1\n010;2\n")
    pd.testing.assert_series_equal(table.frame["Код"], text("007", "010"), check_names=False)


def test_phone_numbers_with_a_plus_stay_text():
    table = read("Клиент;Телефон\nА;+79161234567\nБ;+74951234567\n")
    pd.testing.assert_series_equal(table.frame["Телефон"], text("+79161234567", "+74951234567"), check_names=False)


def test_a_value_far_below_the_sample_that_is_not_a_number_keeps_the_column_as_text():
    rows = "".join(f"{i};{i},5\n" for i in range(3000))
    table = read("n;x\n" + rows + "3000;нет данных\n")
    assert table.frame["x"].dtype == "str"
    assert table.frame["x"].iloc[-1] == "нет данных"
    assert table.frame["n"].dtype == "int64"


# --- dates ----------------------------------------------------------------------------------------------

def test_iso_dates_with_z_or_offset_become_utc_aware():
    table = read("at;v\n2024-01-01T10:00:00+03:00;1\n2024-01-02T00:00:00Z;2\n")
    expected = pd.Series(pd.to_datetime(["2024-01-01T07:00:00Z", "2024-01-02T00:00:00Z"]),
                         name="at").astype("datetime64[us, UTC]")
    pd.testing.assert_series_equal(table.frame["at"], expected)
    assert table.detected.date_columns == ("at",)


def test_uploaded_flights_like_csv_gets_a_time_zone_aware_time_hour():
    data = (b"year,carrier,time_hour\n2013,UA,2013-01-01T10:00:00Z\n2013,AA,2013-01-01T11:00:00Z\n")
    table = read_table(data, "flights.csv")
    assert str(table.frame["time_hour"].dtype) == "datetime64[us, UTC]"
    assert table.frame["time_hour"].iloc[1] == pd.Timestamp("2013-01-01 11:00", tz="UTC")


def test_two_digit_years_and_dotted_dates_with_time():
    table = read("d;t\n01.02.24;01.02.2024 09:30\n31.12.99;02.02.2024 18:05:07\n")
    assert table.frame["d"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("1999-12-31")]
    assert table.frame["t"].tolist() == [pd.Timestamp("2024-02-01 09:30"), pd.Timestamp("2024-02-02 18:05:07")]


def test_four_and_two_digit_years_mixed_in_one_column():
    table = read("d;n\n01.02.2024;1\n03.04.24;2\n05.06.2024 10:30;3\n")
    assert table.frame["d"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-04-03"),
                                         pd.Timestamp("2024-06-05 10:30")]


def test_impossible_date_keeps_the_column_as_text_and_names_the_row():
    table = read("d;n\n28.02.2023;1\n01.03.2023;2\n31.02.2023;3\n")
    pd.testing.assert_series_equal(table.frame["d"], text("28.02.2023", "01.03.2023", "31.02.2023"),
                                   check_names=False)
    assert table.detected.notes == ("В столбце «d» значение «31.02.2023» в 3-й строке данных — несуществующая "
                                    "дата, поэтому столбец оставлен текстом. Исправьте дату в файле, чтобы "
                                    "столбец читался как даты.",)


def test_impossible_iso_date_is_named_too():
    table = read("d;n\n2023-02-28;1\n2023-02-30;2\n")
    assert table.frame["d"].tolist() == ["2023-02-28", "2023-02-30"]
    assert "«2023-02-30» в 2-й строке данных" in table.detected.notes[0]


def test_excel_numbers_are_not_taken_for_serial_dates_but_date_cells_are_dates():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Дата", "Число"])
    sheet.append([dt.datetime(2024, 3, 1), 45352])
    sheet.append([dt.datetime(2024, 3, 2), 45353])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "b.xlsx")
    assert table.frame["Дата"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-02")]
    pd.testing.assert_series_equal(table.frame["Число"], ints(45352, 45353), check_names=False)


# --- booleans -------------------------------------------------------------------------------------------

def test_yes_no_words_become_booleans_in_any_case():
    table = read("f;g;h;i\nда;Истина;true;Y\nнет;ложь;FALSE;n\nДа;ИСТИНА;True;y\n")
    for name in "fghi":
        pd.testing.assert_series_equal(table.frame[name], pd.Series([True, False, True], name=name))
    assert table.detected.bool_columns == ("f", "g", "h", "i")


def test_booleans_with_gaps_are_nullable():
    table = read("f;n\nда;1\n;2\nнет;3\n")
    assert table.frame["f"].dtype == "boolean"
    assert table.frame["f"].tolist() == [True, pd.NA, False]


# --- encodings ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(codec: str):
    table = read("Товар\tЦена\nМёд\t450,5\nЧай\t99\n", "u.txt", encoding=codec)
    pd.testing.assert_frame_equal(table.frame, pd.DataFrame({"Товар": text("Мёд", "Чай"), "Цена": [450.5, 99.0]}))
    assert table.detected.encoding == codec


def test_utf16_be_without_bom_reads_when_chosen_by_hand():
    data = "Товар;Цена\nМёд;1\n".encode("utf-16-be")
    table = read_table(data, "u.csv", ReadOptions(encoding="utf-16-be"))
    assert table.frame["Товар"].tolist() == ["Мёд"]
    assert table.frame["Цена"].tolist() == [1]


def test_mixed_encoding_file_reads_with_the_majority_encoding_and_a_note():
    data = ("Город;Сумма\n" + "Москва;1\n" * 5).encode() + "Казань;2\n".encode("cp1251") + "Омск;3\n".encode()
    table = read_table(data, "mixed.csv")
    assert table.frame["Город"].tolist() == ["Москва"] * 5 + ["Казань", "Омск"]
    assert table.detected.encoding == "utf-8"
    assert table.detected.notes == ("Файл в смешанной кодировке: основная — utf-8; строк в кодировке cp1251: 1 "
                                    "(первая — строка 7 файла), они перекодированы. Проверьте эти строки.",)


def test_cp1251_text_after_a_long_ascii_head_is_still_read_as_cp1251():
    data = ("city;n\n" + "Moscow;1\n" * 40_000).encode() + "Казань;2\n".encode("cp1251")  # past the 256 KB head
    table = read_table(data, "late.csv")
    assert table.detected.encoding == "cp1251"
    assert table.frame["city"].iloc[-1] == "Казань"
    assert len(table.frame) == 40_001


def test_short_cp1251_file_with_cyrillic_glued_to_digits_is_text():
    data = ("Город0;0\n" * 18).encode("cp1251")
    assert len(data) == 162  # the file from the issue: charset detection at its default threshold finds nothing
    table = read_table(data, "short.csv")
    pd.testing.assert_frame_equal(table.frame, pd.DataFrame({"Город0": text(*["Город0"] * 17), "0": ints(*[0] * 17)}))
    assert table.detected.encoding == "cp1251"


def test_when_charset_detection_finds_nothing_it_retries_looser_then_reads_cp1251_with_a_note(monkeypatch):
    import lib.sources.reading

    thresholds: list[object] = []

    class Nothing:
        def best(self) -> None:
            return None

    def detect(data: bytes, **kwargs: object) -> Nothing:
        thresholds.append(kwargs["threshold"])
        return Nothing()

    monkeypatch.setattr(lib.sources.reading, "from_bytes", detect)
    table = read_table("Город;Сумма\nМосква;1\n".encode("cp1251"), "x.csv")
    assert thresholds == [0.2, 0.5]
    assert table.frame["Город"].tolist() == ["Москва"]
    assert table.detected.encoding == "cp1251"
    assert table.detected.notes == ("Кодировку не удалось определить уверенно; файл прочитан как cp1251 "
                                    "(Windows). Если буквы искажены, выберите кодировку вручную.",)


# --- long cells -----------------------------------------------------------------------------------------

def test_cells_longer_than_131072_characters_read_fine():
    long = "я" * 200_000
    table = read(f"a;b\n{long};1\nq;2\n")
    assert table.frame["a"].str.len().tolist() == [200_000, 1]
    assert table.frame["b"].tolist() == [1, 2]


# --- Excel ----------------------------------------------------------------------------------------------

def book_bytes(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book, book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_formulas_without_cached_values_are_named_in_a_note():
    def fill(book, sheet):
        sheet.append(["Товар", "Цена", "Кол", "Сумма"])
        sheet.append(["А", 10, 2, "=B2*C2"])
        sheet.append(["Б", 5, 3, "=B3*C3"])

    table = read_table(book_bytes(fill), "f.xlsx")  # openpyxl writes formulas without cached values
    assert table.frame["Сумма"].isna().all()
    assert table.frame["Цена"].tolist() == [10, 5]
    assert table.detected.notes == ("В столбцах «Сумма» формулы без сохранённых значений (файл сохранён не в "
                                    "Excel), поэтому ячейки пусты. Откройте книгу в Excel, сохраните её и "
                                    "загрузите снова.",)


def test_big_books_are_streamed_and_still_name_uncached_formulas(monkeypatch: pytest.MonkeyPatch):
    import lib.sources.reading

    monkeypatch.setattr(lib.sources.reading, "_EXCEL_WHOLE_BYTES", 0)  # every book counts as big here

    def fill(book, sheet):
        sheet.append(["Отчёт"])
        sheet.append(["Товар", "Цена", "Сумма"])
        sheet.append(["А", 10, "=B3*2"])
        sheet.append(["Б", 5, "=B4*2"])

    table = read_table(book_bytes(fill), "big.xlsx")
    assert table.frame["Цена"].tolist() == [10, 5]
    assert "В столбцах «Сумма» формулы без сохранённых значений" in table.detected.notes[1]


def test_merged_two_level_header_becomes_joined_names():
    def fill(book, sheet):
        sheet.append(["Город", "Выручка", None, "Заказы", None])
        sheet.append([None, 2023, 2024, 2023, 2024])
        sheet.append(["Москва", 1.5, 2.5, 10, 20])
        sheet.append(["Казань", 3, 4, 30, 40])
        sheet.merge_cells("B1:C1")
        sheet.merge_cells("D1:E1")
        sheet.merge_cells("A1:A2")

    table = read_table(book_bytes(fill), "h.xlsx")
    expected = pd.DataFrame({"Город": text("Москва", "Казань"), "Выручка · 2023": [1.5, 3.0],
                             "Выручка · 2024": [2.5, 4.0], "Заказы · 2023": ints(10, 30),
                             "Заказы · 2024": ints(20, 40)})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.notes == ("Заголовок в две строки объединён в названия столбцов: «Выручка · 2023», "
                                    "«Выручка · 2024», «Заказы · 2023», «Заказы · 2024».",)


def test_merged_cells_in_data_rows_repeat_their_value():
    def fill(book, sheet):
        sheet.append(["Регион", "Город", "N"])
        sheet.append(["Поволжье", "Казань", 1])
        sheet.append([None, "Самара", 2])
        sheet.merge_cells("A2:A3")

    table = read_table(book_bytes(fill), "m.xlsx")
    assert table.frame["Регион"].tolist() == ["Поволжье", "Поволжье"]


def test_empty_first_sheet_reads_the_first_non_empty_one_with_a_note():
    def fill(book, sheet):
        sheet.title = "Пусто"
        data = book.create_sheet("Данные")
        data.append(["x", "y"])
        data.append([1, 2])

    table = read_table(book_bytes(fill), "e.xlsx")
    pd.testing.assert_frame_equal(table.frame, pd.DataFrame({"x": ints(1), "y": ints(2)}))
    assert table.detected.notes == ("Лист «Пусто» пуст, поэтому прочитан лист «Данные». Другой лист можно "
                                    "выбрать в настройках чтения.",)


def test_encrypted_workbook_gets_a_russian_message():
    # a password-protected .xlsx is an OLE compound file holding an «EncryptedPackage» stream
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    text_ = message(data, "secret.xlsx")
    assert "защищена паролем" in text_ and "снимите пароль" in text_


def test_old_xls_renamed_to_xlsx_is_told_apart_from_an_encrypted_book():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert "старом формате Excel (.xls)" in message(data, "old.xlsx")


# --- Parquet --------------------------------------------------------------------------------------------

def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def test_parquet_decimal_and_date32_become_number_and_date():
    from decimal import Decimal

    table = pa.table({"amount": pa.array([Decimal("12.50"), Decimal("-3.25")], pa.decimal128(10, 2)),
                      "day": pa.array([dt.date(2024, 1, 31), dt.date(2024, 2, 29)], pa.date32())})
    frame = read_table(parquet_bytes(table), "t.parquet").frame
    expected = pd.DataFrame({"amount": [12.5, -3.25],
                             "day": pd.Series([dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 29)],
                                              dtype="datetime64[us]")})
    pd.testing.assert_frame_equal(frame, expected)


def test_parquet_binary_becomes_text_decoded_or_hex_with_notes():
    table = pa.table({"utf": pa.array(["мёд".encode(), b"tea"], pa.binary()),
                      "raw": pa.array([b"\xff\x00", None], pa.binary()), "n": [1, 2]})
    read = read_table(parquet_bytes(table), "b.parquet")
    pd.testing.assert_series_equal(read.frame["utf"], text("мёд", "tea"), check_names=False)
    pd.testing.assert_series_equal(read.frame["raw"], text("ff00", None), check_names=False)
    assert read.detected.notes == (
        "Столбец «utf» хранит двоичные данные; это текст UTF-8, и он прочитан как текст.",
        "Столбец «raw» хранит двоичные данные (не текст); они показаны в шестнадцатеричном виде.")


def test_parquet_binary_column_does_not_break_the_report_facts():
    from lib.facts.base import Scope
    from lib.facts.columns import column_facts
    from lib.facts.overview import overview_facts

    table = pa.table({"raw": pa.array([b"\xff", b"\x01", b"\xff"], pa.binary()), "n": [1.0, 2.0, 3.0]})
    frame = read_table(parquet_bytes(table), "b.parquet").frame
    scope = Scope.of("t", "t")
    overview_facts(frame, scope)
    column_facts(frame, scope, column="raw")


def test_parquet_duplicate_column_names_get_a_clear_message():
    table = pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["a", "a"])
    text_ = message(parquet_bytes(table), "d.parquet")
    assert "повторяются названия столбцов: «a»" in text_ and "повреждён" not in text_


# --- JSON -----------------------------------------------------------------------------------------------

def test_json_integers_beyond_int64_become_text_with_a_note():
    data = b'[{"id": 123456789012345678901234, "n": 1}, {"id": 5, "n": 2}]'
    table = read_table(data, "big.json")
    pd.testing.assert_series_equal(table.frame["id"], text("123456789012345678901234", "5"), check_names=False)
    assert table.frame["n"].tolist() == [1, 2]
    assert table.detected.notes == ("В столбце «id» есть целые числа длиннее 19 цифр (например, "
                                    "123456789012345678901234); чтобы не потерять цифры, столбец прочитан как "
                                    "текст.",)


def test_json_flattened_names_never_collide_and_nothing_is_lost():
    payload = [{"a.b": 1, "a": {"b": 2, "c": 3}}, {"a.b": 4, "a": {"b": 5, "c": 6}}]
    table = read_table(json.dumps(payload).encode(), "c.json")
    expected = pd.DataFrame({"a.b": ints(1, 4), "a.b (2)": ints(2, 5), "a.c": ints(3, 6)})
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.detected.notes == ("После раскрытия вложенных объектов названия совпали, поэтому столбцы "
                                    "переименованы: «a.b» → «a.b (2)».",)


def test_json_deep_nesting_gets_a_clear_message():
    data = ("[" * 100_000 + "]" * 100_000).encode()
    assert "вложен слишком глубоко" in message(data, "deep.json")


def test_json_nesting_below_the_flattening_depth_stays_json_text():
    payload = [{"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": {"j": {"k": 1}}}}}}}}}}, "n": 1},
               {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": {"j": {"k": 2}}}}}}}}}}, "n": 2}]
    table = read_table(json.dumps(payload).encode(), "n.json")
    assert table.frame["a.b.c.d.e.f.g.h.i.j"].tolist() == ['{"k": 1}', '{"k": 2}']


def test_parquet_saved_with_a_pandas_index_reads_only_the_data_columns():
    buffer = io.BytesIO()
    pd.DataFrame({"a": [1, 2]}, index=[5, 7]).to_parquet(buffer)
    pd.testing.assert_frame_equal(read_table(buffer.getvalue(), "i.parquet").frame, pd.DataFrame({"a": ints(1, 2)}))


def test_json_column_mixing_yes_no_and_numbers_becomes_text():
    table = read_table(b'[{"a": true, "n": 1}, {"a": 2.5, "n": 2}, {"a": null, "n": 3}]', "m.json")
    pd.testing.assert_series_equal(table.frame["a"], text("True", "2.5", None), check_names=False)


GENERIC = "не удалось прочитать как таблицу"


def test_seeded_random_csv_files_read_or_get_a_specific_message():
    import random

    pool = ["1", "007", "1,5", "1.5", "1 234,5", "12,5%", "(3)", "−2", "да", "нет", "01.02.2024", "31.02.2024",
            "2024-01-01T00:00:00Z", "Итого", "", "-", "NA", '"q;x"', "abc", "1e5", "+7916", "1.234,56", "$5",
            "5 €", "TRUE", "y", "25.12.24"]
    rng = random.Random(3)
    for _ in range(300):
        width, height = rng.randint(2, 5), rng.randint(1, 8)
        lines = [";".join(f"c{i}" for i in range(width))]
        lines += [";".join(rng.choice(pool) for _ in range(width)) for _ in range(height)]
        data = "\n".join(lines).encode(rng.choice(["utf-8", "cp1251"]), errors="replace")
        try:
            read_table(data, "f.csv")
        except DataError as caught:
            assert GENERIC not in caught.user_message, (data, caught.detail)


def test_seeded_random_json_records_read_or_get_a_specific_message():
    import random

    cells = [1, 2**70, -3.5, None, "x", "2024-01-01", {"a": 1}, {"a": {"b": 2}}, [1, 2], True, "", {"a.b": 3}]
    rng = random.Random(5)
    for _ in range(300):
        records = [{rng.choice(["a", "b", "a.b", "c"]): rng.choice(cells) for _ in range(rng.randint(1, 4))}
                   for _ in range(rng.randint(1, 5))]
        try:
            read_table(json.dumps(records).encode(), "f.json")
        except DataError as caught:
            assert GENERIC not in caught.user_message, (records, caught.detail)
