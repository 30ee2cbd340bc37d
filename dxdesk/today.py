"""What is happening now at the counter: the shift in progress (if any)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from dxdesk.db.models import Shift


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
