"""Attendance at a shift: check-in, check-out, no-show, and the hours credited to each volunteer.

Hours credited for one assignment:
- checked in and out: the time between them (clipped to the shift's day);
- checked in, never checked out: until the shift's planned end (or check-in time if later: zero);
- no-show or absent (or swapped away): nothing;
- never checked in, but services logged under the volunteer on that shift (records carry the shift): the span
  from the first to the last of those services, counted separately as "from logged services" so a coordinator
  can tell it from hours confirmed by check-in/out;
- a past shift with no attendance taken and nothing logged: the planned hours, counted separately as
  "planned" so a coordinator can see which hours were confirmed at the counter and which were not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from dxdesk import clock, counting
from dxdesk.db.models import Assignment, ServiceRecord, Shift, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit, permissions
from dxdesk.security.actor import Actor
from dxdesk.vnformat import fmt_date


def _hm(t: dt.datetime | dt.time) -> str:
    return t.strftime("%H:%M")


def _load(session, shift_id: int, volunteer_id: int) -> tuple[Shift, Volunteer]:
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise UserError(_("Unknown shift id {id}.").format(id=shift_id))
    volunteer = session.get(Volunteer, volunteer_id) if volunteer_id is not None else None
    if volunteer is None:
        raise UserError(_("Unknown volunteer id {id}.").format(id=volunteer_id))
    if shift.cancelled:
        raise UserError(_("This shift was cancelled."))
    return shift, volunteer


def _assignment(session, shift_id: int, volunteer_id: int) -> Assignment | None:
    return session.scalars(
        select(Assignment).where(Assignment.shift_id == shift_id, Assignment.volunteer_id == volunteer_id)
    ).first()


def check_in(db, actor: Actor, shift_id: int, volunteer_id: int, at: dt.datetime | None = None) -> int:
    """Record that VOLUNTEER arrived for SHIFT (a walk-in volunteer not on the roster is added to it).
    Returns the assignment id."""
    permissions.require(actor, "shift.check_in")
    at = at or clock.now()
    with db.write() as session:
        shift, volunteer = _load(session, shift_id, volunteer_id)
        if not volunteer.active:
            raise UserError(_("{name} is inactive and cannot be checked in.").format(name=volunteer.name))
        if at.date() != shift.date:
            raise UserError(
                _("Check-in is only possible on the day of the shift ({date}).").format(date=fmt_date(shift.date))
            )
        row = _assignment(session, shift_id, volunteer_id)
        walk_in = row is None
        if row is None:
            row = Assignment(shift_id=shift_id, volunteer_id=volunteer_id, status="assigned", created_at=clock.now())
            session.add(row)
        elif row.check_in is not None:
            raise UserError(
                _("{name} already checked in at {time}.").format(name=volunteer.name, time=_hm(row.check_in))
            )
        row.check_in = at
        row.check_out = None
        row.no_show = False
        if row.status == "absent":
            row.status = "assigned"
            row.absence_reason = ""
        session.flush()
        audit.record(session, actor, "shift.check_in", "assignment", row.id, shift_id=shift_id,
                     volunteer_id=volunteer_id, walk_in=walk_in, at=at.isoformat())
        return row.id


def check_out(db, actor: Actor, shift_id: int, volunteer_id: int, at: dt.datetime | None = None) -> float:
    """Record that VOLUNTEER left SHIFT; returns the hours credited."""
    permissions.require(actor, "shift.check_in")
    at = at or clock.now()
    with db.write() as session:
        shift, volunteer = _load(session, shift_id, volunteer_id)
        row = _assignment(session, shift_id, volunteer_id)
        if row is None or row.check_in is None:
            raise UserError(_("{name} has not checked in to this shift.").format(name=volunteer.name))
        if row.check_out is not None:
            raise UserError(
                _("{name} already checked out at {time}.").format(name=volunteer.name, time=_hm(row.check_out))
            )
        if at <= row.check_in:
            raise UserError(_("Check-out must be after check-in ({time}).").format(time=_hm(row.check_in)))
        row.check_out = at
        hours = credited_hours(shift, row)
        audit.record(session, actor, "shift.check_out", "assignment", row.id, shift_id=shift_id,
                     volunteer_id=volunteer_id, at=at.isoformat(), hours=round(hours, 2))
        return hours


def mark_no_show(db, actor: Actor, shift_id: int, volunteer_id: int, no_show: bool = True) -> None:
    """Record (or clear) that an assigned volunteer did not come."""
    permissions.require(actor, "shift.manage")
    with db.write() as session:
        shift, volunteer = _load(session, shift_id, volunteer_id)
        row = _assignment(session, shift_id, volunteer_id)
        if row is None:
            raise UserError(_("{name} is not assigned to this shift.").format(name=volunteer.name))
        if no_show and row.check_in is not None:
            raise UserError(
                _("{name} checked in at {time}; that is not a no-show.").format(name=volunteer.name,
                                                                               time=_hm(row.check_in))
            )
        if no_show and shift.date > clock.today():
            raise UserError(_("A no-show can only be recorded on or after the day of the shift."))
        row.no_show = no_show
        audit.record(session, actor, "shift.no_show", "assignment", row.id, shift_id=shift_id,
                     volunteer_id=volunteer_id, no_show=no_show)


def planned_hours(shift: Shift) -> float:
    start = dt.datetime.combine(shift.date, shift.start)
    end = dt.datetime.combine(shift.date, shift.end)
    return max(0.0, (end - start).total_seconds() / 3600)


def credited_hours(shift: Shift, row: Assignment) -> float:
    """Hours confirmed by attendance for ROW (0 when attendance was not taken)."""
    if row.no_show or row.status != "assigned" or row.check_in is None:
        return 0.0
    end = row.check_out or dt.datetime.combine(shift.date, shift.end)
    return max(0.0, (end - row.check_in).total_seconds() / 3600)


@dataclass
class VolunteerHours:
    volunteer_id: int
    name: str
    pseudonym: str
    team: str
    youth_union: bool
    shifts: int  # assigned (not absent/swapped away), past and future, in the period
    attended: int  # checked in
    no_shows: int
    absences: int
    hours: float  # confirmed by check-in/out
    planned_hours: float  # shifts without attendance taken and nothing logged on them, plus future shifts
    services: int  # citizens served logged under this volunteer in the period (not voided)
    service_hours: float = 0.0  # not checked in: first to last service they logged on the shift
    service_shifts: int = 0  # shifts credited that way


def service_spans(session, shift_ids) -> dict[tuple[int, int], tuple[dt.datetime, dt.datetime]]:
    """(shift, volunteer) -> (first, last) time of the services logged under them on that shift, voided excluded."""
    if not shift_ids:
        return {}
    rows = session.execute(
        select(ServiceRecord.shift_id, ServiceRecord.volunteer_id, func.min(ServiceRecord.occurred_at),
               func.max(ServiceRecord.occurred_at))
        .where(ServiceRecord.shift_id.in_(list(shift_ids)), ServiceRecord.volunteer_id.is_not(None),
               ServiceRecord.voided.is_(False))
        .group_by(ServiceRecord.shift_id, ServiceRecord.volunteer_id)
    ).all()
    return {(sid, vid): (first, last) for sid, vid, first, last in rows}


def span_hours(span: tuple[dt.datetime, dt.datetime]) -> float:
    first, last = span
    return max(0.0, (last - first).total_seconds() / 3600)


def hours_report(db, start: dt.date, end: dt.date, include_inactive: bool = True,
                 today: dt.date | None = None) -> list[VolunteerHours]:
    """Per volunteer, what they did between START and END inclusive, ordered by name."""
    from dxdesk.db.models import Team
    from dxdesk.text import name_sort_key

    today = today or clock.today()
    with db.session() as session:
        vols = session.scalars(select(Volunteer)).all()
        teams = {t.id: t.name for t in session.scalars(select(Team)).all()}
        rows = session.execute(
            select(Assignment, Shift).join(Shift, Shift.id == Assignment.shift_id)
            .where(Shift.date >= start, Shift.date <= end, Shift.cancelled.is_(False))
        ).all()
        served = counting.citizens_by_volunteer(session.connection(), start, end)
        spans = service_spans(session, {s.id for _a, s in rows})
    out: dict[int, VolunteerHours] = {
        v.id: VolunteerHours(v.id, v.name, v.pseudonym, teams.get(v.team_id, ""), bool(v.youth_union),
                             0, 0, 0, 0, 0.0, 0.0, int(served.get(v.id, 0)))
        for v in vols
    }
    for a, s in rows:
        h = out.get(a.volunteer_id)
        if h is None:
            continue
        if a.status == "absent":
            h.absences += 1
            continue
        if a.status != "assigned":
            continue
        h.shifts += 1
        if a.no_show:
            h.no_shows += 1
        elif a.check_in is not None:
            h.attended += 1
            h.hours += credited_hours(s, a)
        elif (s.id, a.volunteer_id) in spans:  # forgot to check in, but their services on the shift show the span
            h.service_shifts += 1
            h.service_hours += span_hours(spans[(s.id, a.volunteer_id)])
        else:
            h.planned_hours += planned_hours(s)
    active = {v.id for v in vols if v.active}
    result = [h for h in out.values() if include_inactive or h.volunteer_id in active or h.shifts or h.services]
    result.sort(key=lambda h: (name_sort_key(h.name), h.volunteer_id))  # Vietnamese order: given name, D before Đ
    return result
