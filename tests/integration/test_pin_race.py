"""PIN lockout under tries sent at once (issue #15): the try is counted and the lock taken before the hash is
checked, atomically, on SQLite and PostgreSQL."""

import json
import threading

import pytest
from sqlalchemy import select

from dxdesk.db.models import AuditEvent, User
from dxdesk.errors import UserError
from dxdesk.security import auth

RIGHT = "135792"


def _fire(db, secrets):
    """Send every secret at the same moment from its own thread; returns [(secret, Actor | message)]."""
    barrier = threading.Barrier(len(secrets))
    results = [None] * len(secrets)

    def attempt(i, secret):
        barrier.wait()
        try:
            results[i] = (secret, auth.authenticate(db, "lan", secret))
        except UserError as exc:
            results[i] = (secret, exc.message)

    threads = [threading.Thread(target=attempt, args=(i, s)) for i, s in enumerate(secrets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def hashed(monkeypatch):
    """Counts the tries whose secret was checked against the user's stored hash."""
    checked = []
    real = auth.verify_secret

    def counting(secret, stored):
        if stored:
            checked.append(secret)
        return real(secret, stored)

    monkeypatch.setattr(auth, "verify_secret", counting)
    return checked


def _failures(db):
    with db.session() as session:
        events = [json.loads(e.details) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed").order_by(AuditEvent.id))]
        user = session.scalar(select(User).where(User.username == "lan"))
    return events, user


def test_thirteen_wrong_pins_at_once_only_the_free_tries_are_checked(any_db, admin, hashed):
    auth.create_user(any_db, admin, "lan", "Chị Lan", "clerk", RIGHT)
    results = _fire(any_db, [f"00000{i % 10}" if i < 10 else f"99999{i}" for i in range(13)])
    assert all(isinstance(r, str) for _s, r in results)
    assert len(hashed) == auth.FREE_ATTEMPTS  # the others were refused before the hash
    events, user = _failures(any_db)
    wrong = [e for e in events if e["reason"] == "wrong_secret"]
    assert sorted(e["failures"] for e in wrong) == list(range(1, auth.FREE_ATTEMPTS + 1))  # none lost
    assert sum(e["reason"] == "locked" for e in events) == 13 - auth.FREE_ATTEMPTS
    assert user.failed_attempts == auth.FREE_ATTEMPTS and user.locked_until is not None
    with pytest.raises(UserError) as info:  # the right PIN now waits like everyone else
        auth.authenticate(any_db, "lan", RIGHT)
    assert "Thử lại sau" in info.value.message
    assert len(hashed) == auth.FREE_ATTEMPTS


def test_wrong_pins_racing_the_right_one_are_all_counted(any_db, admin, hashed):
    auth.create_user(any_db, admin, "lan", "Chị Lan", "clerk", RIGHT)
    results = _fire(any_db, [f"11111{i % 10}" for i in range(13)] + [RIGHT])
    signed_in = [r for s, r in results if not isinstance(r, str)]
    wrong_checked = [s for s in hashed if s != RIGHT]
    events, user = _failures(any_db)
    wrong = [e for e in events if e["reason"] == "wrong_secret"]
    assert len(wrong) == len(wrong_checked)  # every wrong PIN checked against the hash is a counted failure
    if signed_in:  # the right PIN was among the tries allowed before the lock
        assert len(signed_in) == 1 and signed_in[0].username == "lan"
    else:
        assert RIGHT not in hashed  # refused as locked, never checked
    # the lock is never skipped: however they interleave, at most FREE_ATTEMPTS wrong tries get checked in a row
    assert len(wrong_checked) <= 2 * auth.FREE_ATTEMPTS
    assert 13 + 1 == len(results) and all(r is not None for r in results)
