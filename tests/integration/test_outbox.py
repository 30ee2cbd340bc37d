"""Offline outbox (issue #7 item 6) against the real PostgreSQL server: entries kept while the server is down
(a closed port), sent when it is back, idempotent by UUID (re-flush and a crash between commit and delete
add nothing), a refused entry does not block the others, no contact kept offline."""

import datetime as dt

import pytest
from sqlalchemy import create_engine, func, select

from dxdesk import counting
from dxdesk.counter.contact import ContactInput
from dxdesk.counter.records import NewRecord
from dxdesk.database import open_database
from dxdesk.db.engine import Database
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.exchange import outbox
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor

DOWN_URL = "postgresql+psycopg://postgres@127.0.0.1:9/dxdesk?connect_timeout=3"  # nothing listens on port 9
DAY = dt.datetime(2026, 3, 6, 9, 30)


@pytest.fixture
def up(pg_url, home):
    db = open_database(pg_url, home)
    yield db
    db.dispose()


@pytest.fixture
def down(home):
    db = Database(DOWN_URL, create_engine(DOWN_URL), home)
    yield db
    db.dispose()


def stored(db) -> dict[str, tuple]:
    with db.session() as s:
        return {r.uuid: (r.occurred_at, r.entered_by, r.count, r.channel, r.is_campaign)
                for r in s.scalars(select(ServiceRecord))}


def record(minute: int, services=("vneid",), count=1) -> NewRecord:
    return NewRecord(services=list(services), occurred_at=DAY + dt.timedelta(minutes=minute), count=count)


def test_server_down_then_back(up, down, home):
    clerk = Actor("lan", "clerk")
    uuids = [outbox.queue_record(home, clerk, record(0)),
             outbox.queue_record(home, clerk, record(5, ("vneid", "ewallet"))),
             outbox.queue_record(home, clerk, record(9, ("province_app",), count=25))]
    assert outbox.pending_count(home) == 3 and home.outbox.exists()

    assert outbox.flush(down, home) == (0, 3)  # server down: all kept
    assert outbox.pending_count(home) == 3 and stored(up) == {}
    assert [p.last_error for p in outbox.pending(home)][0]

    assert outbox.flush(up, home) == (3, 0)
    assert outbox.pending_count(home) == 0
    rows = stored(up)
    assert set(rows) == set(uuids)
    assert rows[uuids[0]][:2] == (DAY, "lan") and rows[uuids[2]][2:] == (25, "counter", True)
    counts = {r.code: r.count for r in counting.compute(up, parse_period("2026-03")).indicators if r.count}
    assert counts == {"VNEID": 2, "EWALLET": 1, "APP_PROVINCE": 25}

    assert outbox.flush(up, home) == (0, 0)  # re-flush: nothing more
    assert len(stored(up)) == 3


def test_entry_already_in_the_database_is_dropped_not_doubled(up, home):
    clerk = Actor("lan", "clerk")
    uid = outbox.queue_record(home, clerk, record(1))
    assert outbox.flush(up, home) == (1, 0)
    # a crash after the commit but before the outbox row was deleted: the same entry is in the outbox again
    outbox.queue_record(home, clerk, record(1), record_uuid=uid)
    assert outbox.pending_count(home) == 1
    assert outbox.flush(up, home) == (1, 0)
    assert outbox.pending_count(home) == 0 and list(stored(up)) == [uid]


def test_log_or_queue_uses_the_outbox_only_when_the_server_is_down(up, down, home):
    clerk = Actor("lan", "clerk")
    uid, queued = outbox.log_or_queue(up, home, clerk, record(2))
    assert not queued and uid in stored(up) and outbox.pending_count(home) == 0
    uid2, queued = outbox.log_or_queue(down, home, clerk, record(3))
    assert queued and outbox.pending_count(home) == 1 and uid2 not in stored(up)
    with pytest.raises(UserError):  # bad input is refused online and offline, nothing kept
        outbox.log_or_queue(down, home, clerk, NewRecord(services=["vneid"], channel="fax"))
    with pytest.raises(UserError):  # a contact is never written to the outbox
        outbox.log_or_queue(down, home, clerk, NewRecord(
            services=["vneid"], contact=ContactInput(consent=True, name="Nguyễn Văn A", phone="0912345678")))
    assert outbox.pending_count(home) == 1
    assert outbox.flush(up, home) == (1, 0)
    assert set(stored(up)) == {uid, uid2}


def test_refused_entry_stays_and_does_not_block_others(up, home):
    clerk = Actor("lan", "clerk")
    bad = outbox.queue_record(home, clerk, record(1, ("no_such_service",)))
    good = outbox.queue_record(home, clerk, record(2))
    assert outbox.flush(up, home) == (1, 1)
    left = outbox.pending(home)
    assert [p.uuid for p in left] == [bad] and left[0].attempts == 1 and "no_such_service" in left[0].last_error
    assert list(stored(up)) == [good]
    with up.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 1


def test_volunteer_role_needed(home):
    with pytest.raises(UserError):
        outbox.queue_record(home, Actor("x", "guest"), record(0))
    assert outbox.pending_count(home) == 0


def test_log_record_with_uuid_stores_once_on_both_databases(any_db, admin):
    """The public call the outbox sends with: same row as log_record, a second send of the UUID adds nothing."""
    from dxdesk.counter.records import log_record_with_uuid, record_exists, today_entries

    clerk = Actor("lan", "clerk")
    uid = "0b7c6a52-6d1e-4a53-9f0e-3f7a1c2b9d01"
    kept_at = dt.datetime(2026, 3, 6, 9, 31)
    assert not record_exists(any_db, uid)
    assert log_record_with_uuid(any_db, clerk, record(0, ("vneid", "ewallet")), uid, kept_at) is True
    assert log_record_with_uuid(any_db, clerk, record(0, ("vneid", "ewallet")), uid, kept_at) is False
    with pytest.raises(UserError):  # the same checks as log_record: nothing written
        log_record_with_uuid(any_db, clerk, record(0, ("no_such_service",)), "another-uuid")
    assert record_exists(any_db, uid) and not record_exists(any_db, "another-uuid")
    [entry] = today_entries(any_db, admin, DAY.date())
    assert (entry.uuid, entry.occurred_at, entry.entered_at, entry.entered_by, sorted(entry.services)) == (
        uid, DAY, kept_at, "lan", ["ewallet", "vneid"])
    with pytest.raises(UserError):
        log_record_with_uuid(any_db, Actor("x", "guest"), record(1), "guest-uuid")


def test_after_a_failed_connection_entries_are_kept_at_once(down, up, home, monkeypatch):
    """During an outage each citizen must not wait for another connect timeout: once the server failed, the next
    entries go straight to the outbox; a successful flush ends that."""
    clerk = Actor("lan", "clerk")
    outbox.mark_reachable(down)
    _uid, queued = outbox.log_or_queue(down, home, clerk, record(0))
    assert queued and outbox.server_unreachable(down) and not outbox.server_unreachable(up)

    def no_try(*args, **kwargs):
        raise AssertionError("the database was tried although it just failed")

    monkeypatch.setattr(outbox, "log_record_with_uuid", no_try)
    _uid2, queued = outbox.log_or_queue(down, home, clerk, record(1))
    assert queued and outbox.pending_count(home) == 2
    monkeypatch.undo()
    outbox.mark_unreachable(up)  # the same server back: a flush gets through and clears the flag
    assert outbox.flush(up, home) == (2, 0) and not outbox.server_unreachable(up)
    _uid3, queued = outbox.log_or_queue(up, home, clerk, record(2))
    assert not queued and len(stored(up)) == 3


def test_pending_for_the_day_and_discard(home):
    clerk, other = Actor("lan", "clerk"), Actor("hoa", "clerk")
    first = outbox.queue_record(home, clerk, record(0, ("vneid", "ewallet")))
    outbox.queue_record(home, clerk, NewRecord(services=["vneid"], occurred_at=DAY - dt.timedelta(days=1)))
    today = outbox.pending(home, DAY.date())
    assert [(p.uuid, p.occurred_at, p.services, p.count) for p in today] == [(first, DAY, ("vneid", "ewallet"), 1)]
    assert not outbox.discard(home, other, first)  # only its author takes it back
    assert outbox.discard(home, clerk, first) and not outbox.discard(home, clerk, first)
    assert outbox.pending_count(home) == 1 and outbox.pending(home, DAY.date()) == []


def test_flushes_never_overlap(up, home):
    """Two senders at once (a timer and a manual refresh): every entry is stored once, none is lost."""
    import threading

    clerk = Actor("lan", "clerk")
    uuids = {outbox.queue_record(home, clerk, record(i)) for i in range(20)}
    results = []
    threads = [threading.Thread(target=lambda: results.append(outbox.flush(up, home))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent for sent, _failed in results) == 20 and all(failed == 0 for _sent, failed in results)
    assert set(stored(up)) == uuids and outbox.pending_count(home) == 0
