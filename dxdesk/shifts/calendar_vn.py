"""The Vietnamese working calendar: public holidays (the `holidays` package, Vietnamese names) and the
government's swapped days, corrected by the `holiday_overrides` table for local changes and newly
announced days (kind "off": a day off; kind "working": a working day, e.g. a Saturday made up for a bridge)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
from sqlalchemy import select

from dxdesk.db.models import HolidayOverride
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit, permissions
from dxdesk.security.actor import Actor
from dxdesk.text import clean_free_text


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    off: bool  # a public holiday / day off
    working_swap: bool  # a weekend day that is a working day
    name: str
    source: str  # "law" (holidays package) | "local" (override table)


def _package_days(start: dt.date, end: dt.date) -> tuple[dict[dt.date, str], set[dt.date]]:
    years = range(start.year, end.year + 1)
    vn = holidays.country_holidays("VN", language="vi", years=years)
    off = {d: vn.get(d) for d in vn if start <= d <= end}
    working = {d for d in getattr(vn, "weekend_workdays", set()) if start <= d <= end}
    return off, working


def calendar(db, start: dt.date, end: dt.date) -> dict[dt.date, DayInfo]:
    """Every special day between START and END (inclusive): days off and weekend working days."""
    off, working = _package_days(start, end)
    result: dict[dt.date, DayInfo] = {}
    for d, name in off.items():
        result[d] = DayInfo(d, True, False, name, "law")
    for d in working:
        result[d] = DayInfo(d, False, True, _("Working day (swapped)"), "law")
    with db.session() as session:
        overrides = session.scalars(
            select(HolidayOverride).where(HolidayOverride.date >= start, HolidayOverride.date <= end)
        ).all()
    for o in overrides:
        if o.kind == "off":
            result[o.date] = DayInfo(o.date, True, False, o.name, "local")
        else:
            result[o.date] = DayInfo(o.date, False, o.date.weekday() >= 5, o.name, "local")
    return result


def days_off(db, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Date -> name of every day off between START and END."""
    return {d: i.name for d, i in calendar(db, start, end).items() if i.off}


def weekend_working_days(db, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return {d: i.name for d, i in calendar(db, start, end).items() if i.working_swap}


def set_override(db, actor: Actor, day: dt.date, kind: str, name: str) -> None:
    """Declare DAY a local day off ("off") or a working day ("working")."""
    permissions.require(actor, "shift.manage")
    if kind not in ("off", "working"):
        raise UserError(_("A calendar change is either a day off or a working day."))
    name = clean_free_text(name, 200)
    if not name:
        raise UserError(_("Give the day a name (e.g. the local festival)."))
    with db.write() as session:
        row = session.get(HolidayOverride, day)
        if row is None:
            session.add(HolidayOverride(date=day, kind=kind, name=name))
        else:
            row.kind, row.name = kind, name
        audit.record(session, actor, "holiday.set", "holiday_override", day.isoformat(), kind=kind, name=name)


def remove_override(db, actor: Actor, day: dt.date) -> bool:
    permissions.require(actor, "shift.manage")
    with db.write() as session:
        row = session.get(HolidayOverride, day)
        if row is None:
            return False
        session.delete(row)
        audit.record(session, actor, "holiday.remove", "holiday_override", day.isoformat())
        return True
