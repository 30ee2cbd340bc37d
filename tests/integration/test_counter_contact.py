"""Consented contact: encrypted at rest (the raw database files never hold the name or phone), consent kept."""

import sqlite3

import pytest
from sqlalchemy import select

from dxdesk.counter.contact import ContactInput, erase_contact, read_contact
from dxdesk.counter.journal import JournalFilter, count
from dxdesk.counter.records import NewRecord, log_record
from dxdesk.counting.catalogue import ensure_catalogue
from dxdesk.db.models import AuditEvent, ServiceRecord
from dxdesk.errors import UserError

NAME, PHONE = "Nguyễn Thị Xuân Mai", "0987 654 321"


def _assert_not_in_files(home):
    raw = b"".join(p.read_bytes() for p in home.home.rglob("*") if p.is_file())
    assert len(raw) > 10_000
    for needle in (NAME, "Xuân Mai", "Xuan Mai", "0987654321", PHONE, "987654321"):
        for encoding in ("utf-8", "utf-16-le"):
            assert needle.encode(encoding) not in raw, needle


def test_contact_is_not_in_the_raw_database_bytes(db, admin, home):
    ensure_catalogue(db)
    rid = log_record(db, admin, NewRecord(services=["dvc_account"], contact=ContactInput(True, NAME, PHONE)))
    _assert_not_in_files(home)  # database file, WAL and everything else in the data folder
    with sqlite3.connect(db.sqlite_path) as conn:  # now with the WAL moved into the main file
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    _assert_not_in_files(home)
    with db.session() as s:
        row = s.scalar(select(ServiceRecord).where(ServiceRecord.uuid == rid))
    assert row.consent_by == admin.username and row.consent_at and row.consent_purpose
    assert count(db, admin, JournalFilter(search="mai")) == 0  # not searchable either
    contact = read_contact(db, admin, rid)
    assert (contact.name, contact.phone) == (NAME, "0987654321")
    erase_contact(db, admin, rid)
    assert read_contact(db, admin, rid) is None
    with db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:] == ["contact.record", "contact.view", "contact.erase"]


def test_contact_without_consent_or_with_a_cccd_is_refused(db, admin):
    ensure_catalogue(db)
    with pytest.raises(UserError, match="đồng ý"):
        log_record(db, admin, NewRecord(services=["vneid"], contact=ContactInput(False, NAME, PHONE)))
    with pytest.raises(UserError, match="CCCD"):
        log_record(db, admin, NewRecord(services=["vneid"], contact=ContactInput(True, "079203004512", "")))
    with pytest.raises(UserError, match="10 chữ số"):
        log_record(db, admin, NewRecord(services=["vneid"], contact=ContactInput(True, NAME, "12345")))
    with db.session() as s:
        assert s.scalar(select(ServiceRecord)) is None


def test_no_keyring_means_no_contact_but_logging_works(db, admin):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    ensure_catalogue(db)
    keyring.set_keyring(FailKeyring())
    with pytest.raises(UserError, match="keyring"):
        log_record(db, admin, NewRecord(services=["vneid"], contact=ContactInput(True, NAME, PHONE)))
    log_record(db, admin, NewRecord(services=["vneid"]))
