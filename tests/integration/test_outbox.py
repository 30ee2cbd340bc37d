"""Offline outbox (issue #7 item 6) against the real PostgreSQL server: entries kept while the server is down
(a closed port), sent when it is back, idempotent by UUID (re-flush and a crash between commit and delete
add nothing), a refused entry does not block the others, no contact kept offline."""

import datetime as dt

import pytest
from sqlalchemy import create_engine, func, select

from dxdesk import tally
from dxdesk.actor import Actor
from dxdesk.contact import ContactInput
from dxdesk.db.engine import Database, open_database
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.exchange import outbox
from dxdesk.periods import parse_period
from dxdesk.records import NewRecord

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
    counts = {r.code: r.count for r in tally.compute(up, parse_period("2026-03")).indicators if r.count}
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
