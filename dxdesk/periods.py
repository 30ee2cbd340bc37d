"""Reporting periods as the CLI contract writes them: 2024 · 2024-Q1 · 2024-03 · 2024-W05 · a..b."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dxdesk.errors import UserError
from dxdesk.i18n import _


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # year | quarter | month | week | range
    start: dt.date
    end: dt.date  # inclusive

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.end.year, 1, 1)

    def label(self) -> str:
        """How a person reads the period: 'Tháng 3/2024', 'Quý 1/2024', 'Năm 2024'…"""
        if self.kind == "year":
            return _("Year {y}").format(y=self.start.year)
        if self.kind == "quarter":
            return _("Quarter {q}/{y}").format(q=(self.start.month - 1) // 3 + 1, y=self.start.year)
        if self.kind == "month":
            return _("Month {m}/{y}").format(m=self.start.month, y=self.start.year)
        if self.kind == "week":
            year, week, _day = self.start.isocalendar()
            return _("Week {w}/{y}").format(w=week, y=year)
        return _("From {a} to {b}").format(a=self.start.strftime("%d/%m/%Y"), b=self.end.strftime("%d/%m/%Y"))


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q(\d)$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def _bad(text: str) -> UserError:
    return UserError(
        _("Invalid period '{p}': use 2024, 2024-Q1, 2024-03, 2024-W05 or 2024-03-01..2024-03-31.").format(p=text)
    )


def parse_date(text: str) -> dt.date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(_("Invalid date '{d}': write it as YYYY-MM-DD, e.g. 2026-03-06.").format(d=text)) from None


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return Period(f"{year:04d}-{month:02d}", "month", start, nxt - dt.timedelta(days=1))


def parse_period(text: str) -> Period:
    text = (text or "").strip()
    if m := _YEAR.match(text):
        y = int(m.group(1))
        if y < 1900:
            raise _bad(text)
        return Period(text, "year", dt.date(y, 1, 1), dt.date(y, 12, 31))
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        if not 1 <= q <= 4 or y < 1900:
            raise _bad(text)
        start = dt.date(y, 3 * q - 2, 1)
        end = month_period(y, 3 * q).end
        return Period(text, "quarter", start, end)
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12 or y < 1900:
            raise _bad(text)
        return month_period(y, mo)
    if m := _WEEK.match(text):
        y, w = int(m.group(1)), int(m.group(2))
        try:
            start = dt.date.fromisocalendar(y, w, 1)
        except ValueError:
            raise _bad(text) from None
        return Period(text, "week", start, start + dt.timedelta(days=6))
    if m := _RANGE.match(text):
        try:
            a, b = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
        except ValueError:
            raise _bad(text) from None
        if a > b:
            raise _bad(text)
        return Period(text, "range", a, b)
    raise _bad(text)


def from_picker(kind: str, year: int, quarter: int = 1, month: int = 1) -> Period:
    """The period a year/quarter/month picker shows (kind 'year', 'quarter' or 'month')."""
    if kind == "month":
        return month_period(year, month)
    if kind == "quarter":
        return parse_period(f"{year}-Q{quarter}")
    return parse_period(str(year))


REPORT_GRACE_DAYS = 10  # in the first days of a month the clerk still reports the month before


def report_default(today: dt.date) -> Period:
    """The month a clerk would print today: the one before in the first days of a month (on 03/12 the November
    report, not a December full of zeros), else the current month."""
    if today.day <= REPORT_GRACE_DAYS:
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        return month_period(last_month.year, last_month.month)
    return month_period(today.year, today.month)
