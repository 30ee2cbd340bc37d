"""Retention purge and erase on request of citizens' contact fields: fields gone, counts unchanged, audited."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from dxdesk.counter import records
from dxdesk.counter.contact import ContactInput
from dxdesk.db.models import AuditEvent, RecordService, ServiceRecord
from dxdesk.errors import UserError
from dxdesk.security import fieldcrypt, privacy
from dxdesk.security.actor import Actor


def _log(db, actor, day, name="", phone=""):
    contact = ContactInput(consent=True, name=name, phone=phone) if (name or phone) else None
    return records.log_record(db, actor, records.NewRecord(
        services=["vneid", "ewallet"], occurred_at=dt.datetime.combine(day, dt.time(9, 0)), contact=contact))


def _counts(db):
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(ServiceRecord)),
                session.scalar(select(func.coalesce(func.sum(RecordService.count), 0))))


def test_quarter_arithmetic():
    assert privacy.quarter_end(dt.date(2026, 2, 10)) == dt.date(2026, 3, 31)
    assert privacy.quarter_end(dt.date(2026, 12, 1)) == dt.date(2026, 12, 31)
    assert privacy.purge_date(dt.date(2026, 2, 10), 90) == dt.date(2026, 6, 30)
    assert privacy.cutoff(dt.date(2026, 6, 29), 90) == dt.date(2025, 12, 31)
    assert privacy.cutoff(dt.date(2026, 6, 30), 90) == dt.date(2026, 3, 31)


def test_retention_purge(any_db, admin, monkeypatch):
    old = [_log(any_db, admin, dt.date(2025, 11, 3), name="Trần Thị Bình", phone="0912345678"),
           _log(any_db, admin, dt.date(2026, 1, 15), phone="0987654321")]
    recent = _log(any_db, admin, dt.date(2026, 5, 4), name="Lê Văn Cường")
    _log(any_db, admin, dt.date(2025, 10, 1))  # no contact at all
    before = _counts(any_db)
    assert privacy.count_with_contact(any_db) == 3
    # 30/06/2026: Q1 ended 31/03, + 90 days = 29/06 -> Q4/2025 and Q1/2026 contacts are past retention
    n = privacy.purge_expired(any_db, admin, today=dt.date(2026, 6, 30))
    assert n == 2
    assert _counts(any_db) == before  # the records and services still count
    with any_db.session() as session:
        rows = {r.uuid: r for r in session.scalars(select(ServiceRecord))}
    for uuid in old:
        r = rows[uuid]
        assert (r.contact_name_enc, r.contact_phone_enc, r.contact_lookup, r.consent_at, r.consent_by) == (
            None, None, None, None, None)
    assert fieldcrypt.decrypt(any_db, rows[recent].contact_name_enc) == "Lê Văn Cường"
    with any_db.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "personal.purge"))
    details = json.loads(event.details)
    assert details == {"records": 2, "retention_days": 90, "worked_until": "2026-03-31"}
    assert "Bình" not in event.details and "0912" not in event.details
    assert privacy.purge_expired(any_db, admin, today=dt.date(2026, 6, 30)) == 0  # nothing left to purge


def test_retention_is_configurable_and_audited(db, admin):
    _log(db, admin, dt.date(2026, 1, 15), phone="0987654321")
    privacy.set_retention_days(db, admin, 365)
    assert privacy.purge_expired(db, admin, today=dt.date(2026, 6, 30)) == 0
    privacy.set_retention_days(db, admin, 0)
    assert privacy.purge_expired(db, admin, today=dt.date(2026, 4, 1)) == 1
    for bad in (-1, 100_000):
        with pytest.raises(UserError):
            privacy.set_retention_days(db, admin, bad)
    assert privacy.retention_days(db) == 0
    with pytest.raises(UserError):
        privacy.set_retention_days(db, Actor("cb", "clerk"), 30)


def test_auto_purge_runs_once_a_day_as_system(db, admin):
    _log(db, admin, dt.date(2020, 1, 15), phone="0987654321")
    assert privacy.auto_purge(db) == 1
    assert privacy.auto_purge(db) == 0
    with db.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "personal.purge"))
    assert event.actor == "system:retention"


def test_erase_on_request(any_db, admin):
    mine = [_log(any_db, admin, dt.date(2026, 5, 4), name="Trần Thị Bình", phone="0912 345 678"),
            _log(any_db, admin, dt.date(2026, 5, 5), name="Trần Thị Bình", phone="+84912345678")]
    by_name = _log(any_db, admin, dt.date(2026, 5, 6), name="Trần Thị Bình")
    other = _log(any_db, admin, dt.date(2026, 5, 6), name="Lê Văn Cường", phone="0987654321")
    before = _counts(any_db)
    found = privacy.find_contact(any_db, admin, "0912.345.678")
    assert sorted(f.uuid for f in found) == sorted(mine)
    assert [f.uuid for f in privacy.find_contact(any_db, admin, "tran thi binh")] == [by_name]
    assert privacy.erase_on_request(any_db, admin, "0912345678") == 2
    assert privacy.erase_on_request(any_db, admin, "Trần Thị Bình") == 1
    assert _counts(any_db) == before
    with any_db.session() as session:
        rows = {r.uuid: r for r in session.scalars(select(ServiceRecord))}
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "personal.erase")))
    assert all(rows[u].contact_name_enc is None and rows[u].consent_at is None for u in [*mine, by_name])
    assert fieldcrypt.decrypt(any_db, rows[other].contact_phone_enc) == "0987654321"
    assert [json.loads(e.details)["records"] for e in events] == [2, 1]
    assert not any("0912" in e.details or "Bình" in e.details for e in events)
    with pytest.raises(UserError):
        privacy.erase_on_request(any_db, Actor("tt", "coordinator"), "0987654321")
    with pytest.raises(UserError):
        privacy.erase_on_request(any_db, admin, "   ")
