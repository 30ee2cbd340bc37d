"""Accounts: scrypt hashes (salted, not reversible), sign-in audited, lockout delay that grows, demo users."""

import datetime as dt
import json

import pytest
from sqlalchemy import select

from dxdesk.db.models import AuditEvent, User, Volunteer
from dxdesk.errors import UserError
from dxdesk.security import auth
from dxdesk.security.actor import Actor
from dxdesk.volunteers import members as roster


def _events(db, action):
    with db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_hash_is_salted_memory_hard_and_not_the_secret(any_db, admin):
    a = auth.create_user(any_db, admin, "lan", "Chị Lan", "clerk", "482913")
    b = auth.create_user(any_db, admin, "minh", "Anh Minh", "clerk", "482913")
    with any_db.session() as session:
        ha, hb = (session.get(User, i).secret_hash for i in (a, b))
    assert ha != hb  # same PIN, different salt, different hash
    assert "482913" not in ha and "482913" not in hb
    kind, n, r, p, salt, digest = ha.split("$")
    assert (kind, int(n), int(r)) == ("scrypt", 2**14, 8) and len(salt) >= 22
    assert auth.verify_secret("482913", ha) and not auth.verify_secret("482914", ha)
    # nothing in the audit log or the hash gives the PIN back
    for event in _events(any_db, "user.create"):
        assert "482913" not in event.details


def test_sign_in_success_and_failure_are_audited(any_db, admin):
    uid = auth.create_user(any_db, admin, "lan", "Chị Lan", "coordinator", "matkhau-2026")
    actor = auth.authenticate(any_db, "Lan", "matkhau-2026")
    assert (actor.username, actor.role, actor.user_id, actor.display_name) == ("lan", "coordinator", uid, "Chị Lan")
    with pytest.raises(UserError) as info:
        auth.authenticate(any_db, "lan", "sai-mat-khau")
    assert "Sai tên đăng nhập" in info.value.message
    with pytest.raises(UserError):
        auth.authenticate(any_db, "khong-co", "whatever1")
    ok, failed = _events(any_db, "auth.sign_in"), _events(any_db, "auth.sign_in_failed")
    assert [e.actor for e in ok] == ["lan"]
    assert [e.actor for e in failed] == ["lan", "(unknown)"]
    for e in failed:
        assert "sai-mat-khau" not in e.details and "whatever1" not in e.details


def test_brute_force_lockout_delay_grows(db, admin, monkeypatch):
    now = [dt.datetime(2026, 3, 2, 8, 0, 0)]
    monkeypatch.setattr(auth, "_now", lambda: now[0])
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    delays = []
    for attempt in range(7):
        wait = auth.lockout_remaining(db, "lan")
        now[0] += dt.timedelta(seconds=wait)  # the attacker waits exactly as long as told
        with pytest.raises(UserError):
            auth.authenticate(db, "lan", f"00000{attempt}")
        delays.append(auth.lockout_remaining(db, "lan"))
    assert delays[:2] == [0, 0]  # a typo or two costs nothing
    assert delays[2] > 0
    assert all(later > earlier for earlier, later in zip(delays[2:], delays[3:], strict=False)), delays
    assert delays[-1] >= 8 * delays[2]
    # while locked, even the right PIN is refused, with the waiting time in the message
    with pytest.raises(UserError) as info:
        auth.authenticate(db, "lan", "135792")
    assert "Thử lại sau" in info.value.message
    failed = _events(db, "auth.sign_in_failed")
    assert json.loads(failed[-1].details)["reason"] == "locked"
    # after the wait, the right PIN works and resets the counter
    now[0] += dt.timedelta(seconds=auth.lockout_remaining(db, "lan"))
    assert auth.authenticate(db, "lan", "135792").username == "lan"
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == "lan"))
        assert user.failed_attempts == 0 and user.locked_until is None


def test_weak_or_bad_input_changes_nothing(db, admin):
    for username, secret in (("lan", "1234"), ("lan", "abc"), ("Lê Lan", "135792"), ("x", "135792")):
        with pytest.raises(UserError):
            auth.create_user(db, admin, username, "Lan", "clerk", secret)
    with pytest.raises(UserError):
        auth.create_user(db, admin, "lan", "Lan", "boss", "135792")
    assert auth.list_users(db, admin) == []
    auth.create_user(db, admin, "lan", "Lan", "clerk", "135792")
    with pytest.raises(UserError):
        auth.create_user(db, admin, "LAN", "Lan 2", "clerk", "135792")


def test_first_admin_only_on_an_empty_database(db):
    assert not auth.has_users(db)
    actor = auth.create_first_admin(db, "quantri", "Quản trị", "quantri-2026")
    assert actor.role == "admin" and auth.has_users(db)
    with pytest.raises(UserError):
        auth.create_first_admin(db, "ke-gian", "Kẻ gian", "kegian-2026")


def test_last_admin_is_protected_and_roles_audited(db, admin):
    uid = auth.create_user(db, admin, "quantri", "Quản trị", "admin", "quantri-2026")
    with pytest.raises(UserError):
        auth.set_role(db, admin, uid, "clerk")
    with pytest.raises(UserError):
        auth.set_active(db, admin, uid, False)
    other = auth.create_user(db, admin, "lan", "Lan", "clerk", "135792")
    auth.set_role(db, admin, other, "coordinator")
    event = _events(db, "user.role")[-1]
    assert json.loads(event.details) == {"new": "coordinator", "old": "clerk", "username": "lan"}
    auth.set_active(db, admin, other, False)
    with pytest.raises(UserError) as info:
        auth.authenticate(db, "lan", "135792")
    assert "tắt" in info.value.message
    auth.reset_secret(db, admin, other, "864200")
    auth.set_active(db, admin, other, True)
    assert auth.authenticate(db, "lan", "864200").role == "coordinator"


def test_volunteer_linked_to_user(db, admin):
    vol = roster.add_volunteer(db, admin, "Nguyễn Văn An")
    uid = auth.create_user(db, admin, "an", "An", "volunteer", "246810", volunteer_id=vol)
    assert auth.authenticate(db, "an", "246810").volunteer_id == vol
    assert auth.list_users(db, admin)[0].volunteer_name == "Nguyễn Văn An"
    other = auth.create_user(db, admin, "binh", "Bình", "volunteer", "246810")
    with pytest.raises(UserError):
        auth.link_volunteer(db, admin, other, vol)
    auth.link_volunteer(db, admin, uid, None)
    with db.session() as session:
        assert session.get(Volunteer, vol).user_id is None


def test_change_own_secret(db, admin):
    auth.create_user(db, admin, "an", "An", "volunteer", "246810")
    me = auth.authenticate(db, "an", "246810")
    with pytest.raises(UserError):
        auth.change_own_secret(db, me, "000000", "975310")
    auth.change_own_secret(db, me, "246810", "975310")
    assert auth.authenticate(db, "an", "975310").username == "an"


def test_demo_users(db, admin):
    roster.add_volunteer(db, admin, "Nguyễn Văn An")
    auth.create_demo_users(db)
    auth.create_demo_users(db)  # twice is harmless
    roles = {u.username: u.role for u in auth.list_users(db, admin)}
    assert sorted(roles.values()) == ["admin", "clerk", "coordinator", "volunteer"]
    coord = auth.demo_coordinator(db)
    assert coord.role == "coordinator"
    assert auth.authenticate(db, "tinhnguyen", auth.DEMO_PIN).volunteer_id is not None


def test_audit_log_needs_coordinator_and_export(db, admin, tmp_path):
    auth.create_user(db, admin, "lan", "Lan", "clerk", "135792")
    with pytest.raises(UserError):
        auth.audit_events(db, Actor("lan", "clerk"), auth.AuditFilter())
    rows = auth.audit_events(db, admin, auth.AuditFilter(action_prefix="user."))
    assert [r.action for r in rows] == ["user.create"]
    n = auth.export_csv(db, admin, auth.AuditFilter(), tmp_path / "audit.csv")
    text = (tmp_path / "audit.csv").read_text(encoding="utf-8-sig")
    assert n >= 1 and "user.create" in text and "135792" not in text
    assert _events(db, "audit.export")


def test_cli_users_audited_as_local_admin(cli, home, monkeypatch, tmp_path):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("135792\n"))
    code, out, err = cli("user", "add", "lan", "--name", "Chị Lan", "--role", "clerk")
    assert code == 0, err
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    code, out, err = cli("user", "add", "minh", "--role", "clerk")
    assert code == 2 and err.count("\n") == 1 and "6 chữ số" in err
    code, out, err = cli("user", "list", "--json")
    assert [u["username"] for u in json.loads(out)] == ["lan"]
    code, out, err = cli("user", "role", "khong-co", "admin")
    assert code == 2 and "khong-co" in err
    code, out, err = cli("audit", "export", "--out", tmp_path / "a.csv")
    assert code == 0
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    assert "user.create" in text and ",cli:" in text and "135792" not in text
    code, out, err = cli("privacy", "retention", "120")
    assert code == 0 and "120" in out
    code, out, err = cli("privacy", "purge")
    assert code == 0
