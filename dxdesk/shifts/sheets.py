"""What the printed shift roster and the volunteer hours sheet show, as plain data: the core reads the schedule,
the attendance and the unit's name; `dxdesk.reports.roster` draws them and never sees the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dxdesk import clock
from dxdesk.i18n import official
from dxdesk.periods import Period
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings.profile import get_profile
from dxdesk.shifts import calendar_vn
from dxdesk.shifts.attendance import VolunteerHours, hours_report
from dxdesk.shifts.planning import ShiftView, get_rule, list_shifts
from dxdesk.volunteers.members import WEEKDAY_CODES, volunteer_order


@dataclass(frozen=True)
class SheetHeading:
    """The unit above the title and the place and date above the signature."""

    unit_name: str
    place: str
    day: dt.date


@dataclass(frozen=True)
class RosterSheet:
    period: Period
    heading: SheetHeading
    shifts: list[ShiftView]  # in the period, cancelled ones included (printed greyed)
    days_off: list[tuple[dt.date, str]]  # days of the rule's weekdays that are off, with no shift planned


@dataclass(frozen=True)
class HoursSheet:
    period: Period
    heading: SheetHeading
    rows: list[VolunteerHours]  # volunteers with anything in the period, in the one volunteer order


def _heading(db) -> SheetHeading:
    profile = get_profile(db)
    return SheetHeading(profile.display_name if profile else "", profile.place_name if profile else "",
                        clock.today())


@official  # the names of days off are printed: Vietnamese, whatever the UI language
def roster_sheet(db, actor: Actor, period: Period) -> RosterSheet:
    require(actor, "report.print")
    shifts = list_shifts(db, period.start, period.end)
    weekdays = get_rule(db).weekdays.split(",")
    planned = {s.date for s in shifts}
    off = [(day, name) for day, name in calendar_vn.days_off(db, period.start, period.end).items()
           if WEEKDAY_CODES[day.weekday()] in weekdays and day not in planned]
    return RosterSheet(period, _heading(db), shifts, off)


@official
def hours_sheet(db, actor: Actor, period: Period) -> HoursSheet:
    require(actor, "report.print")
    rows = sorted((h for h in hours_report(db, period.start, period.end) if h.shifts or h.services or h.absences),
                  key=lambda h: volunteer_order(h.name, h.volunteer_id))
    return HoursSheet(period, _heading(db), rows)
