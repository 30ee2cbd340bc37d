"""Records: logging, correcting, undoing, voiding, today's panel figures; on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from sqlalchemy import select

from dxdesk import clock
from dxdesk.counter.records import (
    Correction,
    NewRecord,
    correct_record,
    log_record,
    today_entries,
    undo_record,
    void_record,
)
from dxdesk.counting import compute
from dxdesk.counting.catalogue import ensure_catalogue
from dxdesk.counting.progress import day_totals, today_progress
from dxdesk.counting.targets import set_target
from dxdesk.db.models import AuditEvent, ServiceRecord
from dxdesk.errors import UserError
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor


@pytest.fixture
def cat_db(any_db):
    ensure_catalogue(any_db)
    return any_db


def _audit(db, action):
    with db.session() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_voided_records_do_not_count_in_stats(cat_db, admin):
    keep = log_record(cat_db, admin, NewRecord(services=["vneid", "dvc_account"]))
    gone = log_record(cat_db, admin, NewRecord(services=["vneid"]))
    void_record(cat_db, admin, gone, "nhầm")
    year = parse_period(str(clock.today().year))
    tally = compute(cat_db, year)
    by_code = {r.code: r.count for r in tally.indicators}
    assert by_code["VNEID"] == 1 and by_code["DVCTT_GUIDE"] == 1
    assert keep != gone
    assert [e.voided for e in today_entries(cat_db, admin)] == [True, False]
    assert day_totals(cat_db)[0] == 1


def test_cccd_in_note_is_refused_and_nothing_saved(cat_db, admin):
    with pytest.raises(UserError, match="CCCD"):
        log_record(cat_db, admin, NewRecord(services=["vneid"], note="CCCD 079 203 004 512"))
    with pytest.raises(UserError, match="mã dùng một lần|mật khẩu"):
        log_record(cat_db, admin, NewRecord(services=["vneid"], note="OTP 123456"))
    with pytest.raises(UserError, match="ô liên hệ"):  # a phone goes into the consented, encrypted contact fields
        log_record(cat_db, admin, NewRecord(services=["vneid"], note="gọi lại 0912345678"))
    log_record(cat_db, admin, NewRecord(services=["vneid"], note="gọi lại chiều nay"))
    assert [e.note for e in today_entries(cat_db, admin)] == ["gọi lại chiều nay"]


def test_undo_within_five_minutes_only(cat_db, admin, monkeypatch):
    rid = log_record(cat_db, admin, NewRecord(services=["ewallet"]))
    undo_record(cat_db, admin, rid)
    with cat_db.session() as s:
        row = s.scalar(select(ServiceRecord).where(ServiceRecord.uuid == rid))
    assert row.voided and row.void_reason == "Hoàn tác"
    assert [e.entity_id for e in _audit(cat_db, "record.void")] == [rid]
    late = log_record(cat_db, admin, NewRecord(services=["ewallet"]))
    later = clock.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(UserError, match="5 phút"):
        undo_record(cat_db, admin, late)


def test_volunteer_may_correct_only_own_entries_of_today(cat_db, admin):
    lan = Actor("lan", "volunteer")
    minh = Actor("minh", "volunteer")
    rid = log_record(cat_db, lan, NewRecord(services=["vneid"]))
    with pytest.raises(UserError):
        correct_record(cat_db, minh, rid, Correction(outcome="partial"))
    with pytest.raises(UserError):
        void_record(cat_db, minh, rid, "sai")
    correct_record(cat_db, lan, rid, Correction(services=["vneid", "vssid"], outcome="referred"))
    entry = today_entries(cat_db, admin)[0]
    assert entry.services == ["vneid", "vssid"] and entry.outcome == "referred"
    events = _audit(cat_db, "record.correct")
    assert len(events) == 1 and '"vssid"' in events[0].details and '"done"' in events[0].details
    year = parse_period(str(clock.today().year))
    assert {r.code: r.count for r in compute(cat_db, year).services}["vssid"] == 1


def test_today_progress_counts_today_week_and_target(cat_db, admin):
    today = clock.today()
    set_target(cat_db, admin, "VNEID", 4, parse_period(str(today.year)))
    log_record(cat_db, admin, NewRecord(services=["vneid"]))
    log_record(cat_db, admin, NewRecord(services=["vneid"], count=2, is_campaign=True, channel="outreach",
                                        place="Chợ"))
    monday = today - dt.timedelta(days=today.weekday())
    if monday != today:
        log_record(cat_db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime.combine(monday, dt.time(9))))
    rows = {r.code: r for r in today_progress(cat_db)}
    week = 4 if monday != today else 3
    assert (rows["VNEID"].today, rows["VNEID"].week, rows["VNEID"].target) == (3, week, 4)
    assert rows["VNEID"].period_count >= week and rows["VNEID"].percent is not None
    assert rows["EWALLET"].today == 0 and rows["EWALLET"].target is None
