"""iCalendar (.ics) export of shifts: all of them or one volunteer's. Each shift keeps the same UID in
every export (from the shift's id and the unit), so importing a newer file updates the events instead of
duplicating them; a cancelled shift is exported as STATUS:CANCELLED so calendars drop it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar, Event

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.settings.profile import get_profile
from dxdesk.shifts.planning import KIND_LABELS, list_shifts


def shift_uid(shift_id: int, unit: str) -> str:
    return f"dxdesk-shift-{shift_id}-{unit}@dxdesk"


def build_calendar(db, start: dt.date, end: dt.date, volunteer_id: int | None = None) -> Calendar:
    profile = get_profile(db)
    unit = (profile.unit_code or profile.province_code) if profile else "local"
    unit_name = profile.display_name if profile else ""
    shifts = list_shifts(db, start, end, volunteer_id=volunteer_id)
    cal = Calendar()
    cal.add("prodid", "-//dxdesk//Lich truc//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Shift roster") + (f" – {unit_name}" if unit_name else ""))
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    stamp = clock.now().replace(tzinfo=clock.VN_TZ)
    for sh in shifts:
        ev = Event()
        ev.add("uid", shift_uid(sh.id, unit))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", dt.datetime.combine(sh.date, sh.start, tzinfo=clock.VN_TZ))
        ev.add("dtend", dt.datetime.combine(sh.date, sh.end, tzinfo=clock.VN_TZ))
        title = _(KIND_LABELS.get(sh.kind, sh.kind))
        names = [s.name for s in sh.assigned]
        ev.add("summary", f"{title}: {', '.join(names)}" if names else title)
        location = ", ".join(x for x in (sh.place, sh.reception_point, unit_name if sh.kind == "counter" else "") if x)
        if location:
            ev.add("location", location)
        lines = [_("Volunteers: {n} (needs {min}–{max})").format(n=len(names), min=sh.min_staff, max=sh.max_staff)]
        lines += [f"- {n}" for n in names]
        if sh.note:
            lines.append(sh.note)
        ev.add("description", "\n".join(lines))
        ev.add("status", "CANCELLED" if sh.cancelled else "CONFIRMED")
        # SEQUENCE grows with what people see change, so calendars accept the newer version
        ev.add("sequence", len(sh.staff) + (1 if sh.cancelled else 0))
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal


def export_ics(db, start: dt.date, end: dt.date, out: str | Path, volunteer_id: int | None = None) -> int:
    """Write the .ics file; returns the number of events."""
    if end < start:
        raise UserError(_("The start date is after the end date."))
    if volunteer_id is not None:
        from dxdesk.volunteers.members import get_volunteer

        get_volunteer(db, volunteer_id)  # unknown id -> UserError
    cal = build_calendar(db, start, end, volunteer_id)
    out = Path(out)
    try:
        out.write_bytes(cal.to_ical())
    except OSError as exc:
        raise UserError(_("Cannot write {file}: {error}").format(file=str(out), error=exc.strerror)) from exc
    return len(cal.walk("VEVENT"))
