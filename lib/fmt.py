"""Russian formatting of numbers, percents, sizes, dates and plurals (Babel's CLDR data for `ru`)."""

from __future__ import annotations

import datetime as dt
import math
import numbers

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

LOCALE = Locale("ru")
NBSP = "\u00a0"
DASH = "—"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


GROUPING_FROM = 10_000  # Russian typography leaves four-digit numbers ungrouped: 2013, 1349 but 336 776


SCIENTIFIC_FROM = 1e18  # beyond int64 a float's digits are noise (and Babel's Decimal context overflows at 1e26)
EXACT_INTEGERS_BELOW = 10**26  # Python/NumPy integers keep every digit up to here (int64 included)
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fmt_num(value: float | int | None, digits: int = 2) -> str:
    """Decimal comma, no trailing zeros: `12.50` → `12,5`; `-3.25` → `−3,25`; `12345.6` → `12 345,6`;
    from 10¹⁸ on a power of ten: `1e308` → `1·10³⁰⁸`; a value that rounds to zero has no sign."""
    if value is None or _missing(value):
        return DASH
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    exact_integer = isinstance(value, numbers.Integral) and abs(value) < EXACT_INTEGERS_BELOW
    if abs(value) >= SCIENTIFIC_FROM and not exact_integer:
        mantissa, exponent = f"{float(value):.{max(digits, 0)}e}".split("e")
        return f"{fmt_num(float(mantissa), digits)}·10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    pattern = ("#,##0" if abs(value) >= GROUPING_FROM else "0") + ("." + "#" * digits if digits > 0 else "")
    text = format_decimal(value, format=pattern, locale=LOCALE)
    if text.startswith("-") and not text.strip("-0,"):
        text = text[1:]  # −0 after rounding a tiny negative value
    return text.replace("-", "−")


def fmt_int(value: int | float | None) -> str:
    """`336776` → `336 776` (thousands separated by a no-break space)."""
    if value is None or _missing(value):
        return DASH
    return fmt_num(value if isinstance(value, numbers.Integral) or math.isinf(value) or abs(value) >= SCIENTIFIC_FROM
                   else round(value), 0)


def fmt_pct(share: float | None, digits: int = 1) -> str:
    """A share in [0, 1] as a percent: `0.125` → `12,5 %`."""
    if share is None or _missing(share):
        return DASH
    return f"{fmt_num(share * 100, digits)}{NBSP}%"


_SIZE_UNITS = ("Б", "КБ", "МБ", "ГБ", "ТБ")


def fmt_bytes(size: int | float | None) -> str:
    if size is None or _missing(size):
        return DASH
    value, unit = float(size), 0
    while value >= 1024 and unit < len(_SIZE_UNITS) - 1:
        value /= 1024
        unit += 1
    return f"{fmt_num(value, 1 if unit else 0)}{NBSP}{_SIZE_UNITS[unit]}"


def plural(n: int | float, one: str, few: str, many: str, other: str | None = None) -> str:
    """The word form that agrees with `n` in Russian: 1 рейс, 2 рейса, 5 рейсов, 1,5 рейса."""
    form = LOCALE.plural_form(n)
    return {"one": one, "few": few, "many": many}.get(form, other or few)


def fmt_count(n: int, one: str, few: str, many: str) -> str:
    """`fmt_count(21, "рейс", "рейса", "рейсов")` → `21 рейс`."""
    return f"{fmt_int(n)}{NBSP}{plural(n, one, few, many)}"


def fmt_date(value: dt.date | dt.datetime | str | None) -> str:
    """`2013-01-05` → `5 января 2013 г.`; an ISO text Python cannot read (a year past 9999) is shown as is."""
    if _missing(value):
        return DASH
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(text := value)
        except ValueError:
            return text
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format="long", locale=LOCALE)


def fmt_datetime(value: dt.datetime | str | None) -> str:
    if _missing(value):
        return DASH
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(text := value)
        except ValueError:
            return text
    return format_datetime(value, format="d MMMM yyyy, HH:mm", locale=LOCALE)


def fmt_month(value: dt.date | str) -> str:
    """`2013-01` → `январь 2013`."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:7] + "-01")
    return format_date(value, format="LLLL yyyy", locale=LOCALE)
