"""Numbers and dates written the Vietnamese way: 6.800 · 141,6 % · 154 % · ngày 05 tháng 02 năm 2026."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dxdesk.i18n import N_, _, language


def percent(count: int, target: int | None) -> Decimal | None:
    """count ÷ target × 100, rounded half-up to one decimal, computed exactly (no floats)."""
    if not target:
        return None
    tenths = (Decimal(count) * 1000 / Decimal(target)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return tenths / 10


def fmt_int(value: int) -> str:
    text = f"{value:,}"
    return text.replace(",", ".") if language() == "vi" else text


def fmt_decimal(value: Decimal, places: int = 1) -> str:
    """One decimal with a comma ('141,6'); a whole number loses its ',0' ('154')."""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        text = fmt_int(int(q))
    else:
        whole, frac = f"{q:.{places}f}".split(".")
        text = f"{fmt_int(int(whole))},{frac}" if language() == "vi" else f"{int(whole):,}.{frac}"
    return text


def fmt_percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{fmt_decimal(value)} %"


def fmt_date(day: dt.date) -> str:
    """dd/MM/yyyy, as Vietnamese offices write dates on screen."""
    return day.strftime("%d/%m/%Y")


def fmt_date_nd30(day: dt.date) -> str:
    """'ngày 05 tháng 02 năm 2026': days under 10 and months 1–2 take a leading zero (ND 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("day {d} month {m} year {y}").format(d=f"{day.day:02d}", m=month, y=day.year)


WEEKDAY_NAMES = (
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"),
)


def weekday_name(day: dt.date) -> str:
    return _(WEEKDAY_NAMES[day.weekday()])
