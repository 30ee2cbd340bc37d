"""Every public domain function that takes an actor checks its permission (issue #15): the test walks every module
of the core, finds each public function with an `actor` parameter, and calls it as the role just below the one
its permission needs — it must refuse with the permission message and change nothing. Functions that touch the
database without an actor must be on a short list, each with the reason."""

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import dxdesk
from dxdesk.db.models import AuditEvent, RecordService, ServiceRecord, Target, User, Volunteer
from dxdesk.errors import UserError
from dxdesk.security import permissions
from dxdesk.security.actor import Actor

_SKIP = ("dxdesk.__main__", "dxdesk.cli", "dxdesk.db", "dxdesk.ui", "dxdesk.resources")
# a permission check in the function's own code: require(actor, "…"), or one of the two helpers that call it
_CHECK = re.compile(r'require\(\s*actor\s*,\s*"([a-z_.]+)"|(visible_to)\(actor\)|(check_may_edit)\(actor')

# Public functions taking an actor that are not themselves a gated domain action, and why.
NOT_GATED = {
    "dxdesk.security.audit.record": "writes the audit event of a call that checked already",
    "dxdesk.security.permissions.allowed": "is the check",
    "dxdesk.security.permissions.require": "is the check",
    "dxdesk.counter.journal.conditions": "the filter of count/JournalQuery (visible_to), each checked",
    "dxdesk.security.auth.change_own_secret": "the actor's own account, proved by the current PIN",
    "dxdesk.exchange.trust.accept_data_package": "a check inside import_package (data.import); accepting an "
                                                 "unsigned package requires keys.manage there",
    "dxdesk.exchange.trust.record_received": "writes in the transaction of an import or apply that checked already",
}
# Public functions that read or write the database without an actor, and why that is right.
NO_ACTOR = {
    "dxdesk.security.auth.authenticate": "the sign-in itself (audited, counts tries)",
    "dxdesk.security.auth.create_first_admin": "only on a database without users",
    "dxdesk.security.auth.create_demo_users": "demo databases only (`demo` command)",
    "dxdesk.security.auth.actor_for": "builds the Actor after sign-in",
    "dxdesk.security.auth.demo_coordinator": "demo databases only",
    "dxdesk.security.auth.lockout_remaining": "seconds left for the sign-in dialog",
    "dxdesk.security.auth.sign_in_names": "active user names for the sign-in completion, nothing else",
    "dxdesk.counting.catalogue.ensure_catalogue": "loads the shipped catalogue at open",
    "dxdesk.security.fieldcrypt.database_id": "the random id that binds the contact key to the database",
    "dxdesk.exchange.signing.note_signed": "records the public fingerprint after a package its caller made (checked there)",
    "dxdesk.security.privacy.count_with_contact": "a count, no record",
    "dxdesk.counter.records.record_exists": "yes/no for the outbox sender",
    "dxdesk.counting.tally.breakdown": "aggregated counts",
    "dxdesk.counting.tally.by_team": "aggregated counts",
    "dxdesk.counting.mark_checked": "the date of the daily tally check (a system task)",
    "dxdesk.shifts.attendance.hours_report": "shift hours (no record, no contact)",
    "dxdesk.shifts.planning.list_shifts": "the schedule everyone sees",
    "dxdesk.shifts.ical.build_calendar": "the schedule as iCal",
    "dxdesk.volunteers.members.list_volunteers": "the roster the counter and the schedule choose from",
    "dxdesk.volunteers.members.volunteer_names": "names only, for the volunteer boxes (counter, journal filter); as list_volunteers",
    "dxdesk.shifts.today.on_shift": "names only, of who is on the shift now: the counter's duty box",
    "dxdesk.volunteers.members.get_volunteer": "one roster entry",
    "dxdesk.volunteers.members.preview_import": "reads a sheet file; writing it is apply_import (volunteer.manage)",
}
_TOUCHES_DB = re.compile(r"db\.write\(\)|ServiceRecord|select\(User|AuditEvent|contact_|Volunteer\b")  # writes, or records, users, contacts


def _domain_functions():
    found = []
    for info in pkgutil.walk_packages(dxdesk.__path__, "dxdesk."):
        if info.name.startswith(_SKIP):
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and fn.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", fn))
    return found


FUNCTIONS = _domain_functions()
WITH_ACTOR = [(name, fn) for name, fn in FUNCTIONS if "actor" in inspect.signature(fn).parameters]


_PASSES_ACTOR = re.compile(r"(\w+)\([^()]*\bactor\b")


def _action(fn, depth: int = 2) -> str | None:
    """The permission FN checks: in its own code, or in a helper of its module it hands the actor to."""
    source = inspect.getsource(fn)
    match = _CHECK.search(source)
    if match is not None:
        return match.group(1) or "record.log"  # visible_to / check_may_edit: at least a known role that logs
    if depth:
        for callee in _PASSES_ACTOR.findall(source):
            helper = fn.__globals__.get(callee)
            if inspect.isfunction(helper) and helper is not fn and helper.__name__ not in ("record",):
                action = _action(helper, depth - 1)
                if action:
                    return action
    return None


def test_the_walk_finds_the_domain():
    names = {n for n, _f in WITH_ACTOR}
    assert len(WITH_ACTOR) >= 80
    assert {"dxdesk.counter.journal.count", "dxdesk.counter.journal.export", "dxdesk.settings.backup.restore", "dxdesk.counter.records.log_record",
            "dxdesk.security.auth.list_users", "dxdesk.security.privacy.erase_on_request", "dxdesk.counter.records.today_entries"} <= names


def test_every_function_with_an_actor_checks_a_permission():
    unchecked = [n for n, fn in WITH_ACTOR if _action(fn) is None and n not in NOT_GATED]
    assert unchecked == [], "these take an actor but check no permission"


def test_every_function_touching_the_database_without_an_actor_is_listed():
    loose = []
    for name, fn in FUNCTIONS:
        params = list(inspect.signature(fn).parameters)
        if params and params[0] == "db" and "actor" not in params and _TOUCHES_DB.search(inspect.getsource(fn)):
            loose.append(name)
    assert sorted(set(loose) - set(NO_ACTOR)) == [], "reads or writes records/users/contacts without an actor"


def _value(param: inspect.Parameter, db, home, tmp_path):
    """A harmless, well-typed argument (the permission check comes before any use of it)."""
    name, ann = param.name, str(param.annotation)
    if name == "db":
        return db
    if name in ("paths", "home"):
        return home
    if "Path" in ann or name in ("path", "out", "target", "source", "live", "backups", "folder"):
        return tmp_path / f"{name}.bin"
    if "date" in ann.lower() or name in ("day", "start", "end"):
        return dt.date(2026, 3, 2)
    if "Period" in ann or name == "period":
        from dxdesk.periods import parse_period

        return parse_period("2026")
    if "bool" in ann:
        return False
    if "int" in ann:
        return 1
    if "list" in ann or "tuple" in ann:
        return []
    if name == "flt":
        from dxdesk.counter.journal import JournalFilter

        return JournalFilter()
    if name == "rec":
        from dxdesk.counter.records import NewRecord

        return NewRecord(services=["vneid"])
    return "x"


def _state(db):
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in
                     (AuditEvent, ServiceRecord, RecordService, User, Volunteer, Target))


@pytest.mark.parametrize("name", [n for n, fn in WITH_ACTOR if n not in NOT_GATED])
def test_refused_to_the_role_below_its_permission(name, db, home, admin, tmp_path):
    fn = dict(WITH_ACTOR)[name]
    action = _action(fn)
    lowest = permissions.ACTIONS[action][1]
    index = permissions.ROLE_ORDER.index(lowest)
    below = permissions.ROLE_ORDER[index - 1] if index else "guest"  # under volunteer: a role dxdesk does not know
    actor = Actor(username=f"walk-{below}", role=below)
    kwargs = {}
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or param.default is not param.empty:
            continue
        kwargs[param.name] = actor if param.name == "actor" else _value(param, db, home, tmp_path)
    before = _state(db)
    files = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(UserError) as info:
        fn(**kwargs)
    assert "không được" in info.value.message, (name, below, info.value.message)  # the permission refusal
    assert _state(db) == before, f"{name} refused for {below} but changed the database"
    assert sorted(p.name for p in tmp_path.iterdir()) == files, f"{name} refused for {below} but wrote a file"


def test_a_volunteer_browses_only_their_own_entries_and_cannot_export(db, admin, tmp_path):
    from dxdesk.counter import journal, records
    from dxdesk.volunteers import members as roster

    mine = roster.add_volunteer(db, admin, "Nguyễn Văn An")
    me = Actor("an", "volunteer", volunteer_id=mine)
    own = records.log_record(db, me, records.NewRecord(services=["vneid"], note="của tôi"))
    helped = records.log_record(db, admin, records.NewRecord(services=["vneid"], volunteer_id=mine, note="tôi giúp"))
    records.log_record(db, admin, records.NewRecord(services=["ewallet"], note="ghi chú của người khác"))
    flt = journal.JournalFilter()
    assert journal.count(db, admin, flt) == 3
    assert journal.count(db, me, flt) == 2
    seen = {r.uuid for page in journal.JournalQuery(db, me, flt).iterate() for r in page}
    assert seen == {own, helped}
    assert {e.uuid for e in records.today_entries(db, me)} == {own, helped}
    assert journal.count(db, me, journal.JournalFilter(search="người khác")) == 0
    with pytest.raises(UserError, match="không được"):
        journal.export(db, me, flt, tmp_path / "all.csv", "csv")
    assert not (tmp_path / "all.csv").exists()
    assert journal.export(db, Actor("lan", "clerk"), flt, tmp_path / "all.csv", "csv") == 3


def test_cli_audit_events_name_the_operating_system_user(cli, home, monkeypatch):
    import getpass
    import json

    monkeypatch.setattr(getpass, "getuser", lambda: "canbo-xa")
    assert cli("log", "vneid")[0] == 0
    assert cli("target", "set", "APP_PROVINCE", "4802", "--period", "2026")[0] == 0
    assert cli("privacy", "retention", "120")[0] == 0
    code, out, err = cli("audit", "export", "--out", Path(home.home) / "a.csv")
    assert code == 0, err
    lines = (Path(home.home) / "a.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    actors = {line.split(",")[2] for line in lines}
    assert actors == {"cli:canbo-xa"}, actors
    assert json.dumps(sorted(actors))
