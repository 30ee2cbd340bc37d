"""What is happening now at the counter: the shift in progress (if any)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from dxdesk.db.models import Assignment, Shift, Volunteer
from dxdesk.volunteers.members import sort_volunteers


@dataclass(frozen=True)
class ShiftNow:
    id: int
    date: dt.date
    start: dt.time
    end: dt.time
    kind: str
    place: str


def current_shift(db, at: dt.datetime) -> ShiftNow | None:
    """The shift of AT's date whose hours contain AT (or start within 30 minutes), counter shifts first."""
    soon = (at + dt.timedelta(minutes=30)).time()
    with db.session() as session:
        rows = session.scalars(
            select(Shift).where(Shift.date == at.date(), Shift.cancelled.is_(False)).order_by(Shift.start)
        ).all()
    for row in sorted(rows, key=lambda r: r.kind != "counter"):
        if row.start <= soon and at.time() <= row.end:
            return ShiftNow(row.id, row.date, row.start, row.end, row.kind, row.place)
    return None


def on_shift(db, shift_id: int) -> list[tuple[int, str]]:
    """(id, name) of the volunteers assigned to the shift and not marked absent, in the one volunteer order."""
    with db.session() as session:
        rows = session.execute(
            select(Volunteer.id, Volunteer.name).join(Assignment, Assignment.volunteer_id == Volunteer.id)
            .where(Assignment.shift_id == shift_id, Assignment.status != "absent")).all()
    return [(vid, name) for vid, name in sort_volunteers(rows, name=lambda r: r[1], volunteer_id=lambda r: r[0])]


def checked_in_at(db, shift_id: int, volunteer_id: int) -> dt.datetime | None:
    """When the volunteer checked in on the shift (None: not yet, or not assigned to it)."""
    with db.session() as session:
        return session.scalar(select(Assignment.check_in).where(
            Assignment.shift_id == shift_id, Assignment.volunteer_id == volunteer_id))
