import pytest

from lib.fmt import fmt_bytes, fmt_count, fmt_date, fmt_int, fmt_month, fmt_num, fmt_pct, plural

NBSP = "\u00a0"


def test_int_groups_thousands_with_no_break_space():
    assert fmt_int(336776) == f"336{NBSP}776"
    assert fmt_int(1234567) == f"1{NBSP}234{NBSP}567"
    assert fmt_int(999) == "999"


def test_four_digit_numbers_stay_ungrouped():
    assert fmt_int(2013) == "2013"
    assert fmt_int(9999) == "9999"
    assert fmt_int(10000) == f"10{NBSP}000"
    assert fmt_int(-12000) == f"−12{NBSP}000"


def test_decimal_comma_without_trailing_zeros():
    assert fmt_num(12.5) == "12,5"
    assert fmt_num(12.0) == "12"
    assert fmt_num(1349.125, 1) == "1349,1"
    assert fmt_num(12345.67, 1) == f"12{NBSP}345,7"


def test_negative_numbers_use_true_minus_sign():
    assert fmt_num(-3.25) == "−3,25"


def test_percent_of_share():
    assert fmt_pct(0.125) == f"12,5{NBSP}%"
    assert fmt_pct(0.0) == f"0{NBSP}%"


def test_missing_values_render_as_dash():
    assert fmt_int(None) == "—"
    assert fmt_num(float("nan")) == "—"
    assert fmt_pct(None) == "—"


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "рейс"), (2, "рейса"), (4, "рейса"), (5, "рейсов"), (11, "рейсов"), (12, "рейсов"), (14, "рейсов"),
     (21, "рейс"), (22, "рейса"), (25, "рейсов"), (101, "рейс"), (111, "рейсов"), (0, "рейсов")],
)
def test_plural_agreement(n, word):
    assert plural(n, "рейс", "рейса", "рейсов") == word


def test_count_formats_number_and_word():
    assert fmt_count(336776, "рейс", "рейса", "рейсов") == f"336{NBSP}776{NBSP}рейсов"


def test_sizes_in_binary_units():
    assert fmt_bytes(512) == f"512{NBSP}Б"
    assert fmt_bytes(1536) == f"1,5{NBSP}КБ"
    assert fmt_bytes(3 * 1024 * 1024) == f"3{NBSP}МБ"


def test_dates_in_russian():
    assert fmt_date("2013-01-05") == "5 января 2013\u202fг."  # CLDR puts a narrow no-break space before «г.»
    assert fmt_month("2013-03") == "март 2013"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e308, "1·10³⁰⁸"),
        (-1e308, "−1·10³⁰⁸"),
        (1.2345e26, "1,23·10²⁶"),  # Babel's Decimal context raised InvalidOperation from 1e26 on
        (5e-324, "0"),  # the smallest subnormal
        (-5e-324, "0"),  # no «−0»
        (2**63 - 1, "9\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0807"),  # integers keep every digit
        (float("inf"), "∞"),
    ],
)
def test_numbers_of_any_magnitude(value, expected):
    assert fmt_num(value) == expected


def test_int_and_percent_of_huge_values_do_not_raise():
    assert fmt_int(1e308) == "1·10³⁰⁸"
    assert fmt_pct(1e300) == "1·10³⁰²\u00a0%"


def test_date_past_year_9999_is_shown_as_is():
    assert fmt_date("10000-01-01") == "10000-01-01"
