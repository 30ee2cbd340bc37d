"""The demo on a Monday morning (issue #18 item 8): nothing logged later than now, next month already planned."""

import datetime as dt

from sqlalchemy import func, select

from dxdesk import clock, demo
from dxdesk.db.models import Assignment, ServiceRecord, Shift

MONDAY_0820 = dt.datetime(2026, 11, 30, 8, 20)


def test_demo_today_ends_at_now_and_the_coming_month_is_planned(db, admin, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MONDAY_0820)
    demo.fill(db, admin, records=4000, seed=7)
    with db.session() as s:
        latest = s.scalar(select(func.max(ServiceRecord.occurred_at)))
        latest_entered = s.scalar(select(func.max(ServiceRecord.entered_at)))
        today = s.scalar(select(func.count()).select_from(ServiceRecord)
                         .where(ServiceRecord.work_date == MONDAY_0820.date()))
        december = s.execute(select(func.count(func.distinct(Shift.id)), func.count(Assignment.id))
                             .select_from(Shift).outerjoin(Assignment, Assignment.shift_id == Shift.id)
                             .where(Shift.date >= dt.date(2026, 12, 1), Shift.date <= dt.date(2026, 12, 31))).one()
        after_december = s.scalar(select(func.count()).select_from(Shift).where(Shift.date > dt.date(2026, 12, 31)))
    assert latest <= MONDAY_0820 and latest_entered <= MONDAY_0820
    assert today > 0  # the counter opened at 07:30: this morning has entries, all before 08:20
    shifts, assignments = december
    assert shifts >= 8 and assignments >= shifts  # Mondays and Fridays of December, staffed
    assert after_december == 0
