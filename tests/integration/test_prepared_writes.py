"""The counter's save runs its statements on the driver's cursor (dxdesk.db.prepared): what it stores must be
exactly what the ORM stores and reads back, and the driver's errors must reach callers as SQLAlchemy's, on both
engines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dxdesk.counter.records import _INSERT_SERVICE, NewRecord, log_record, log_record_with_uuid
from dxdesk.db.models import RecordService, ServiceRecord


def test_a_saved_citizen_reads_back_exactly(any_db, admin):
    when = dt.datetime(2026, 3, 2, 9, 15, 7, 123456)
    uid = log_record(any_db, admin, NewRecord(services=["vneid", "dvc_account"], occurred_at=when, channel="home",
                                              age_band="60+", sex="F", note="Bà cụ nhờ cài VNeID"))
    with any_db.session() as s:
        row = s.scalar(select(ServiceRecord).where(ServiceRecord.uuid == uid))
        services = sorted(s.scalars(select(RecordService.service_code).where(RecordService.record_id == row.id)))
    assert row.occurred_at == when  # microseconds kept, as the ORM stores them
    assert row.work_date == dt.date(2026, 3, 2)
    assert row.voided is False and row.is_campaign is False
    assert (row.channel, row.age_band, row.sex, row.note) == ("home", "60+", "F", "Bà cụ nhờ cài VNeID")
    assert row.voided_at is None and row.contact_name_enc is None
    assert services == ["dvc_account", "vneid"]
    assert "vneid" in row.search_text and "ba cu" in row.search_text


def test_driver_errors_are_sqlalchemy_errors(any_db, admin):
    uid = log_record(any_db, admin, NewRecord(services=["vneid"]))
    with any_db.session() as s:
        record_id = s.scalar(select(ServiceRecord.id).where(ServiceRecord.uuid == uid))
    with pytest.raises(IntegrityError), any_db.write() as session:  # no such service: a foreign key
        _INSERT_SERVICE.executemany(session.connection(), [
            {"record_id": record_id, "service_code": "no-such-service", "count": 1}])
    # and the offline queue's "already stored" answer still holds
    assert log_record_with_uuid(any_db, admin, NewRecord(services=["vneid"]), uid) is False



def test_a_save_while_another_counter_writes_says_busy_and_saves_nothing(home, admin, monkeypatch):
    """BEGIN IMMEDIATE runs on the driver's cursor: SQLite's 'database is locked' must still become the one
    Vietnamese message, and nothing is saved."""
    import sqlite3

    from dxdesk.database import open_database
    from dxdesk.db import engine as engine_module
    from dxdesk.errors import UserError

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    db = open_database(None, home)  # the application's open: tables and the catalogue
    try:
        other = sqlite3.connect(db.sqlite_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another counter in the middle of its save
        with pytest.raises(UserError, match="bận"):
            log_record(db, admin, NewRecord(services=["vneid"]))
        other.execute("ROLLBACK")
        other.close()
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 0
        log_record(db, admin, NewRecord(services=["vneid"]))  # and once it is done, the save goes through
    finally:
        db.dispose()
