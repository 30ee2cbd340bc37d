"""Local accounts: users with a role, a PIN or password hashed with scrypt, lockout with a growing delay.

Every sign-in, success or failure, is audited. Secrets are never logged or stored in clear."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass

from sqlalchemy import func, select

from dxdesk import clock
from dxdesk.db.models import User, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import ROLE_ORDER, allowed, require
from dxdesk.text import clean_free_text

log = logging.getLogger(__name__)

# scrypt: N=2^14, r=8 -> 16 MiB of memory per try; about 50 ms here, far more for a GPU farm.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FREE_ATTEMPTS = 3  # wrong tries allowed before the first delay
FIRST_DELAY_S = 30  # then 30 s, 60 s, 120 s … doubling with every further failure
MAX_DELAY_S = 3600
DEMO_PIN = "123456"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")
_SYSTEM = Actor(username="system:sign-in", role="admin", display_name="dxdesk")


def _now() -> dt.datetime:
    return clock.now()


# --- hashing -------------------------------------------------------------------------------------------


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$salt$hash' with a fresh 16-byte random salt: same PIN, different hash."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=64 * 1024 * 1024, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_secret(secret: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        hash_secret(secret)  # same time spent whether or not the account exists
        return False
    _kind, n, r, p, salt, digest = stored.split("$")
    got = hashlib.scrypt(secret.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         maxmem=64 * 1024 * 1024, dklen=32)
    return hmac.compare_digest(got, base64.b64decode(digest))


def check_secret_strength(secret: str) -> None:
    """A PIN of at least 6 digits, or a password of at least 8 characters."""
    if secret.isdigit():
        if len(secret) < 6:
            raise UserError(_("A PIN needs at least 6 digits."))
    elif len(secret) < 8:
        raise UserError(_("A password needs at least 8 characters (or use a PIN of at least 6 digits)."))
    if len(secret) > 128:
        raise UserError(_("The password is too long (at most 128 characters)."))


def delay_after(failures: int) -> int:
    """Seconds of lockout after FAILURES consecutive wrong tries (0 while under the free attempts)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - FREE_ATTEMPTS))


# --- users ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    volunteer_id: int | None
    volunteer_name: str | None
    locked_until: dt.datetime | None
    created_at: dt.datetime


def _clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.fullmatch(name):
        raise UserError(_("A user name has 2–60 letters a–z, digits, dots, dashes or underscores, without accents."))
    return name


def _check_role(role: str) -> None:
    if role not in ROLE_ORDER:
        raise UserError(_("Unknown role '{role}': use volunteer, clerk, coordinator or admin.").format(role=role))


def has_users(db) -> bool:
    with db.session() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def sign_in_names(db) -> list[str]:
    """The user names of active accounts, for the sign-in dialog's completion (nothing else about them)."""
    with db.session() as session:
        return list(session.scalars(select(User.username).where(User.active.is_(True)).order_by(User.username)))


def list_users(db, actor: Actor) -> list[UserRow]:
    """Every account for those who manage users; anyone else sees only their own (to change their PIN)."""
    if not allowed(actor, "user.manage"):
        require(actor, "record.log")  # a known role at least
    query = select(User) if allowed(actor, "user.manage") else select(User).where(User.id == actor.user_id)
    with db.session() as session:
        vols = {v.user_id: (v.id, v.name) for v in session.scalars(select(Volunteer).where(Volunteer.user_id.is_not(None)))}
        return [
            UserRow(u.id, u.username, u.display_name, u.role, u.active, vols.get(u.id, (None, None))[0],
                    vols.get(u.id, (None, None))[1], u.locked_until, u.created_at)
            for u in session.scalars(query.order_by(User.username))
        ]


def _insert_user(session, actor: Actor, username: str, display_name: str, role: str, secret: str) -> User:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(_("The user name {name} is already taken.").format(name=username))
    user = User(username=username, display_name=display_name, role=role, secret_hash=hash_secret(secret),
                active=True, failed_attempts=0, locked_until=None, created_at=_now())
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, username=username, role=role)
    return user


def _prepare(username: str, display_name: str, role: str, secret: str) -> tuple[str, str]:
    username = _clean_username(username)
    display_name = clean_free_text(display_name, max_length=120) or username
    _check_role(role)
    check_secret_strength(secret)
    return username, display_name


def create_user(db, actor: Actor, username: str, display_name: str, role: str, secret: str,
                volunteer_id: int | None = None) -> int:
    require(actor, "user.manage")
    username, display_name = _prepare(username, display_name, role, secret)
    with db.write() as session:
        user = _insert_user(session, actor, username, display_name, role, secret)
        if volunteer_id is not None:
            _link(session, actor, user.id, volunteer_id)
        return user.id


def create_first_admin(db, username: str, display_name: str, secret: str) -> Actor:
    """The first GUI start on a database without users: its administrator (refused once any user exists)."""
    username, display_name = _prepare(username, display_name, "admin", secret)
    with db.write() as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise UserError(_("This database already has users: sign in instead."))
        user = _insert_user(session, _SYSTEM, username, display_name, "admin", secret)
        actor = Actor(username=user.username, role="admin", user_id=user.id, display_name=display_name)
        audit.record(session, actor, "auth.sign_in", "user", user.id)
    return actor


def _get(session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserError(_("No user with id {id}.").format(id=user_id))
    return user


def _active_admins(session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True)))


def set_role(db, actor: Actor, user_id: int, role: str) -> None:
    require(actor, "user.manage")
    _check_role(role)
    with db.write() as session:
        user = _get(session, user_id)
        if user.role == role:
            return
        if user.role == "admin" and user.active and _active_admins(session) <= 1:
            raise UserError(_("This is the last administrator: make another user administrator first."))
        audit.record(session, actor, "user.role", "user", user.id, username=user.username, old=user.role, new=role)
        user.role = role


def set_active(db, actor: Actor, user_id: int, active: bool) -> None:
    require(actor, "user.manage")
    with db.write() as session:
        user = _get(session, user_id)
        if user.active == active:
            return
        if not active and user.role == "admin" and _active_admins(session) <= 1:
            raise UserError(_("This is the last administrator: make another user administrator first."))
        if not active and actor.user_id == user.id:
            raise UserError(_("You cannot deactivate yourself."))
        user.active = active
        audit.record(session, actor, "user.activate" if active else "user.deactivate", "user", user.id,
                     username=user.username)


def rename(db, actor: Actor, user_id: int, display_name: str) -> None:
    require(actor, "user.manage")
    display_name = clean_free_text(display_name, max_length=120)
    if not display_name:
        raise UserError(_("Write the name shown for this user."))
    with db.write() as session:
        user = _get(session, user_id)
        user.display_name = display_name
        audit.record(session, actor, "user.rename", "user", user.id, username=user.username)


def reset_secret(db, actor: Actor, user_id: int, secret: str) -> None:
    """An administrator sets a new PIN/password (and unlocks the account)."""
    require(actor, "user.manage")
    check_secret_strength(secret)
    with db.write() as session:
        user = _get(session, user_id)
        user.secret_hash = hash_secret(secret)
        user.failed_attempts = 0
        user.locked_until = None
        audit.record(session, actor, "user.reset_secret", "user", user.id, username=user.username)


def change_own_secret(db, actor: Actor, old: str, new: str) -> None:
    """Anyone signed in may change their own PIN/password, knowing the current one."""
    if actor.user_id is None:
        raise UserError(_("The built-in local administrator has no PIN to change."))
    check_secret_strength(new)
    with db.write() as session:
        user = _get(session, actor.user_id)
        if not verify_secret(old, user.secret_hash):
            raise UserError(_("The current PIN or password is wrong."))
        user.secret_hash = hash_secret(new)
        audit.record(session, actor, "user.change_secret", "user", user.id)


def _link(session, actor: Actor, user_id: int, volunteer_id: int | None) -> None:
    for vol in session.scalars(select(Volunteer).where(Volunteer.user_id == user_id)):
        vol.user_id = None
    if volunteer_id is not None:
        vol = session.get(Volunteer, volunteer_id)
        if vol is None:
            raise UserError(_("Unknown volunteer id {id}.").format(id=volunteer_id))
        if vol.user_id not in (None, user_id):
            raise UserError(_("This volunteer is already linked to another user."))
        vol.user_id = user_id
    audit.record(session, actor, "user.link_volunteer", "user", user_id, volunteer_id=volunteer_id)


def link_volunteer(db, actor: Actor, user_id: int, volunteer_id: int | None) -> None:
    """Link a volunteer record to a user (None unlinks): their entries then carry the volunteer."""
    require(actor, "user.manage")
    with db.write() as session:
        _get(session, user_id)
        _link(session, actor, user_id, volunteer_id)


def actor_for(db, user_id: int) -> Actor:
    with db.session() as session:
        user = _get(session, user_id)
        vol = session.scalar(select(Volunteer.id).where(Volunteer.user_id == user.id))
        return Actor(username=user.username, role=user.role, user_id=user.id, display_name=user.display_name,
                     volunteer_id=vol)


# --- sign-in -------------------------------------------------------------------------------------------


def lockout_remaining(db, username: str) -> int:
    """Seconds until USERNAME may try again (0 = now)."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None or user.locked_until is None:
        return 0
    return max(0, int((user.locked_until - _now()).total_seconds()))


def locked_message(seconds: int) -> str:
    """'Too many wrong tries. Try again in N seconds/minutes.' (the sign-in dialog counts it down)."""
    if seconds >= 90:
        return _("Too many wrong tries. Try again in {n} minutes.").format(n=(seconds + 59) // 60)
    return _("Too many wrong tries. Try again in {n} seconds.").format(n=max(1, seconds))


def authenticate(db, username: str, secret: str) -> Actor:
    """Sign USERNAME in with SECRET; raises UserError (wrong, locked, inactive). Every try is audited.

    The try is counted, and the lock it earns taken, in one write transaction holding the user's row (SQLite:
    BEGIN IMMEDIATE; PostgreSQL: SELECT … FOR UPDATE) *before* the hash is checked: tries sent at once queue
    for that row, and those arriving while the account is locked are refused without touching the hash. A right
    PIN then clears the count; a wrong one leaves it as taken."""
    name = (username or "").strip().lower()
    with db.write() as session:
        user = session.scalar(select(User).where(User.username == name).with_for_update())
        if user is None:
            audit.record(session, Actor(username="(unknown)", role=""), "auth.sign_in_failed", "user", "",
                         reason="unknown_user")
        else:
            who = Actor(username=user.username, role=user.role, user_id=user.id, display_name=user.display_name)
            now = _now()
            if user.locked_until is not None and user.locked_until > now:
                locked_for = int((user.locked_until - now).total_seconds())
                audit.record(session, who, "auth.sign_in_failed", "user", user.id, reason="locked")
            else:
                locked_for = 0
                user.failed_attempts = (user.failed_attempts or 0) + 1
                failures, delay = user.failed_attempts, delay_after(user.failed_attempts)
                user.locked_until = now + dt.timedelta(seconds=delay) if delay else None
                user_id, stored, active = user.id, user.secret_hash, user.active
    if user is None:
        verify_secret(secret, None)  # same time spent whether or not the account exists
        log.info("sign-in failed: unknown user")
        raise UserError(_("Wrong user name or PIN/password."))
    if locked_for:
        raise UserError(locked_message(locked_for))
    ok = verify_secret(secret, stored)
    with db.write() as session:
        if ok:  # the right secret clears the count it was charged, even on a turned-off account
            row = session.get(User, user_id)
            row.failed_attempts = 0
            row.locked_until = None
        if ok and active:
            audit.record(session, who, "auth.sign_in", "user", user_id)
        elif ok:
            audit.record(session, who, "auth.sign_in_failed", "user", user_id, reason="inactive")
        else:
            audit.record(session, who, "auth.sign_in_failed", "user", user_id, reason="wrong_secret",
                         failures=failures, delay_s=delay)
    if ok and not active:
        raise UserError(_("This account is turned off. Ask the administrator."))
    if not ok:
        log.info("sign-in failed for user id %s (%s failures)", user_id, failures)
        if delay:
            raise UserError(_("Wrong user name or PIN/password.") + " " + locked_message(delay))
        raise UserError(_("Wrong user name or PIN/password."))
    log.info("signed in: user id %s", user_id)
    return actor_for(db, user_id)


# --- demo ----------------------------------------------------------------------------------------------

DEMO_USERS = (
    ("quantri", "Quản trị (demo)", "admin"),
    ("totruong", "Tổ trưởng (demo)", "coordinator"),
    ("canbo", "Cán bộ một cửa (demo)", "clerk"),
    ("tinhnguyen", "Tình nguyện viên (demo)", "volunteer"),
)


def demo_sign_in_text() -> str:
    """How to sign in to a demo database, for the sign-in dialog and the end of `scripts/run`."""
    return _("Demo data: sign in as {main} (or {others}), PIN {pin}.").format(
        main=DEMO_USERS[1][0], others=", ".join(u for u, _d, _r in DEMO_USERS if u != DEMO_USERS[1][0]),
        pin=DEMO_PIN)


def create_demo_users(db) -> list[int]:
    """Demo users (PIN 123456 each) for a database filled by `demo`; the volunteer is linked to the first
    volunteer record. Users that already exist are left alone."""
    ids = []
    with db.write() as session:
        for username, display, role in DEMO_USERS:
            existing = session.scalar(select(User).where(User.username == username))
            if existing is not None:
                ids.append(existing.id)
                continue
            ids.append(_insert_user(session, _SYSTEM, username, display, role, DEMO_PIN).id)
        vol = session.scalar(select(Volunteer).where(Volunteer.user_id.is_(None), Volunteer.active.is_(True))
                             .order_by(Volunteer.id).limit(1))
        linked = session.scalar(select(Volunteer.id).where(Volunteer.user_id == ids[-1]))
        if vol is not None and linked is None:
            vol.user_id = ids[-1]
    return ids


def demo_coordinator(db) -> Actor | None:
    """The demo coordinator's Actor, when the demo users exist."""
    with db.session() as session:
        user_id = session.scalar(select(User.id).where(User.username == "totruong", User.active.is_(True)))
    return actor_for(db, user_id) if user_id is not None else None


# --- reading the audit log (coordinators and admins; the app never edits or deletes events) ------------


@dataclass(frozen=True)
class AuditFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    actor: str = ""  # exact username
    action_prefix: str = ""  # e.g. "auth." or "record.void"


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor: str
    actor_role: str
    action: str
    entity: str
    entity_id: str
    details: str


def _audit_query(flt: AuditFilter):
    from dxdesk.db.models import AuditEvent

    q = select(AuditEvent)
    if flt.start:
        q = q.where(AuditEvent.at >= dt.datetime.combine(flt.start, dt.time()))
    if flt.end:
        q = q.where(AuditEvent.at < dt.datetime.combine(flt.end + dt.timedelta(days=1), dt.time()))
    if flt.actor:
        q = q.where(AuditEvent.actor == flt.actor)
    if flt.action_prefix:
        q = q.where(AuditEvent.action.startswith(flt.action_prefix, autoescape=True))
    return q.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def audit_events(db, actor: Actor, flt: AuditFilter, limit: int = 5000) -> list[AuditRow]:
    require(actor, "audit.view")
    with db.session() as session:
        return [AuditRow(e.id, e.at, e.actor, e.actor_role, e.action, e.entity, e.entity_id, e.details)
                for e in session.scalars(_audit_query(flt).limit(limit))]


def audit_actors(db, actor: Actor) -> list[str]:
    from dxdesk.db.models import AuditEvent

    require(actor, "audit.view")
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)))


def export_csv(db, actor: Actor, flt: AuditFilter, path) -> int:
    """The filtered audit log as CSV (UTF-8 with BOM, for Excel); the export itself is audited."""
    import csv

    require(actor, "audit.view")
    rows = audit_events(db, actor, flt, limit=10_000_000)
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["id", "at", "actor", "role", "action", "entity", "entity_id", "details"])
            for r in rows:
                out.writerow([r.id, r.at.isoformat(sep=" "), r.actor, r.actor_role, r.action, r.entity, r.entity_id,
                              r.details])
    except OSError as exc:
        raise UserError(_("The file could not be written: {reason}").format(reason=exc.strerror or str(exc))) from None
    with db.write() as session:
        audit.record(session, actor, "audit.export", "audit_events", "", events=len(rows))
    return len(rows)
