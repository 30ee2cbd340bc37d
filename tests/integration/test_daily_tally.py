"""The daily tallies stay equal to a recount of the raw records, whatever is done to the records (SQLite and
PostgreSQL): random sequences of log / campaign entry / correction / void / undo / package import / purge /
backup-restore, then four concurrent writers on PostgreSQL; `dxdesk check` finds and repairs a difference."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from sqlalchemy import func, select, update

from dxdesk import counting
from dxdesk.counter.contact import ContactInput
from dxdesk.counter.records import Correction, NewRecord, correct_record, log_record, undo_record, void_record
from dxdesk.counting import store
from dxdesk.database import open_database
from dxdesk.db.models import AuditEvent, DailyTally, RecordService, ServiceRecord
from dxdesk.errors import UserError
from dxdesk.exchange import trust
from dxdesk.exchange.export import export_package
from dxdesk.exchange.importer import import_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.security import privacy
from dxdesk.settings import backup
from dxdesk.settings.profile import set_profile
from dxdesk.volunteers.members import add_volunteer
from tests.signing_helpers import enrol_file, enrolment_file

SERVICES = ["vneid", "province_app", "dvc_account", "dvc_payment", "ewallet", "shop_epay", "ecom_product",
            "health_app", "vssid", "sim_owner", "other"]
UNIT, OTHER_UNIT = "28261", "28270"
DAYS = [dt.date(2026, 3, 2), dt.date(2026, 3, 6), dt.date(2026, 3, 9), dt.date(2026, 4, 3)]


def assert_in_step(db) -> store.CheckResult:
    with db.session() as session:
        result = store.compare(session.connection())
    assert result.ok, result.differences[:5]
    return result


def _random_record(rng: random.Random, volunteers: list[int], campaign: bool = False) -> NewRecord:
    day = rng.choice(DAYS)
    when = dt.datetime.combine(day, dt.time(rng.choice([7, 8, 9, 10, 14, 15]), rng.randrange(60)))
    return NewRecord(
        services=rng.sample(SERVICES, rng.choice([1, 1, 2, 3])), occurred_at=when,
        channel=rng.choice(["counter", "outreach", "home"]) if campaign else rng.choice(["counter", "counter", "home"]),
        outcome=rng.choice(["done", "done", "partial", "referred"]),
        volunteer_id=rng.choice([None, *volunteers]), count=rng.randint(2, 60) if campaign else 1,
        is_campaign=campaign, age_band=rng.choice([None, "u18", "18-34", "35-59", "60+"]),
        sex=rng.choice([None, "F", "M"]),
        contact=ContactInput(consent=True, name="Trần Thị Bình", phone="0912345678") if rng.random() < 0.05 else None,
    )


def _package(tmp_path, admin, rng: random.Random, n: int, name: str):
    """A package of commune OTHER_UNIT made by its own database (some records voided at the origin)."""
    home = AppPaths(tmp_path / f"commune-{name}").ensure()
    commune = open_database(None, home)
    try:
        set_profile(commune, admin, "82", unit_code=OTHER_UNIT)
        ids = [log_record(commune, admin, _random_record(rng, [], campaign=rng.random() < 0.3)) for _i in range(n)]
        for uuid in rng.sample(ids, max(1, n // 5)):
            void_record(commune, admin, uuid, "nhập nhầm")
        out = tmp_path / f"{name}.zip"
        export_package(commune, admin, parse_period("2026"), out)
        ENROLMENTS[out] = enrolment_file(commune, tmp_path)  # each commune database signs with its own key
        return out
    finally:
        commune.dispose()


ENROLMENTS: dict = {}


def _import(db, admin, package):
    """Import PACKAGE after enrolling its commune's key here (again after a restore took the enrolment back)."""
    enrolment = ENROLMENTS[package]
    if trust.read_enrolment(enrolment).fingerprint not in {v.fingerprint for v in trust.trusted_keys(db)}:
        enrol_file(db, enrolment)
    return import_package(db, admin, package)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_sequences_keep_the_daily_tallies_equal_to_a_recount(any_db, admin, tmp_path, seed, monkeypatch):
    """Each step is checked: the stored daily tallies equal the recount from the records (both tables, every key)."""
    rng = random.Random(seed)
    db = any_db
    set_profile(db, admin, "82")  # a province database: local records of one commune, imports of another
    volunteers = [add_volunteer(db, admin, name) for name in ("Nguyễn Thị Lan", "Lê Văn Hùng")]
    volunteers = [v if isinstance(v, int) else v.id for v in volunteers]
    logged: list[str] = []
    packages: list = []
    saved_backup = None
    steps = []
    for step in range(45):
        op = rng.choices(["log", "campaign", "correct", "void", "undo", "import", "reimport", "purge", "backup",
                          "restore"], [30, 8, 12, 10, 5, 4, 2, 3, 2, 2])[0]
        if op in ("backup", "restore") and not db.is_sqlite:
            op = "log"
        steps.append(op)
        if op in ("log", "campaign"):
            logged.append(log_record(db, admin, _random_record(rng, volunteers, op == "campaign"), unit_code=UNIT))
        elif op == "correct" and logged:
            change = Correction(services=rng.sample(SERVICES, rng.choice([1, 2])) if rng.random() < 0.6 else None,
                                outcome=rng.choice([None, "done", "partial"]), age_band=rng.choice([None, "", "60+"]),
                                sex=rng.choice([None, "", "F"]), volunteer_id=rng.choice([None, *volunteers]))
            try:
                correct_record(db, admin, rng.choice(logged), change)
            except UserError:
                pass  # voided meanwhile: refused, nothing changed
        elif op == "void" and logged:
            try:
                void_record(db, admin, rng.choice(logged), "sai dịch vụ")
            except UserError:
                pass  # already voided
        elif op == "undo" and logged:
            try:
                undo_record(db, admin, logged[-1])
            except UserError:
                pass
        elif op == "import":
            packages.append(_package(tmp_path, admin, rng, rng.randint(3, 12), f"p{step}"))
            _import(db, admin, packages[-1])
        elif op == "reimport" and packages:
            _import(db, admin, rng.choice(packages))  # already there: nothing new
        elif op == "purge":
            monkeypatch.setattr(privacy, "retention_days", lambda _db: 1)
            privacy.purge_expired(db, admin, today=dt.date(2027, 1, 1))
        elif op == "backup":
            saved_backup = backup.backup_to(db, admin, tmp_path / f"b{step}.sqlite3").path
        elif op == "restore" and saved_backup is not None:
            live = db.sqlite_path
            db.dispose()
            backup.restore(admin, live, saved_backup, tmp_path / "kept")
            db = open_database(None, AppPaths(live.parent))
            with db.session() as session:
                known = set(session.scalars(select(ServiceRecord.uuid)).all())
            logged = [u for u in logged if u in known]
        assert_in_step(db)
    assert {"log", "correct", "void"} <= set(steps), steps
    # and the tally read from them equals a plain recount of one period
    year = parse_period("2026")
    t = counting.compute(db, year)
    with db.session() as session:  # an independent recount: non-voided records of the year, per service
        raw = dict(session.execute(
            select(RecordService.service_code, func.sum(RecordService.count))
            .join(ServiceRecord, ServiceRecord.id == RecordService.record_id)
            .where(ServiceRecord.voided.is_(False), ServiceRecord.work_date >= year.start,
                   ServiceRecord.work_date <= year.end)
            .group_by(RecordService.service_code)).all())
    assert {s.code: s.count for s in t.services if s.count} == {k: int(v) for k, v in raw.items() if v}
    if db is not any_db:
        db.dispose()


def test_bulk_writes_leave_no_dead_rows_in_the_temporary_tables(pg_url, home, admin):
    """PostgreSQL: the temporary tables of a bulk write's tallies live as long as the connection and no autovacuum
    reaches them; writes in many batches (a province importing package after package) must not grow them."""
    from sqlalchemy import text

    from dxdesk import demo

    db = open_database(pg_url, home)
    try:
        set_profile(db, admin, "82", unit_code=UNIT)
        demo.fill(db, admin, records=6000, seed=3, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
        demo.fill(db, admin, records=6000, seed=4, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
        with db.session() as s:
            sizes = dict(s.execute(text(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname LIKE 'pg_temp%' AND c.relname LIKE 'tally_delta_%' "
                "AND c.relkind = 'r'")).all())
        assert set(sizes) >= {"tally_delta_services", "tally_delta_visits"}  # the ranks: a subquery on PostgreSQL
        assert sum(sizes.values()) == 0, sizes
        assert_in_step(db)
    finally:
        db.dispose()


def test_four_concurrent_writers_lose_no_increment(pg_url, home, admin):
    """PostgreSQL: four counters log, void and correct at the same time on the same days and keys."""
    db = open_database(pg_url, home)
    try:
        set_profile(db, admin, "82", unit_code=UNIT)
        errors: list[BaseException] = []
        per_thread = 40

        def writer(seed: int) -> None:
            rng = random.Random(seed)
            try:
                mine = []
                for _i in range(per_thread):
                    rec = NewRecord(services=["vneid", "province_app"], occurred_at=dt.datetime(2026, 3, 2, 9, 0),
                                    channel="counter")
                    mine.append(log_record(db, admin, rec))
                    if rng.random() < 0.2:
                        try:
                            void_record(db, admin, rng.choice(mine), "nhập nhầm")
                        except UserError:
                            pass  # voided before
                    elif rng.random() < 0.2:
                        try:
                            correct_record(db, admin, rng.choice(mine), Correction(outcome="partial"))
                        except UserError:
                            pass
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert_in_step(db)
        with db.session() as session:
            alive = session.scalar(select(func.count()).select_from(ServiceRecord)
                                   .where(ServiceRecord.voided.is_(False)))
        day = parse_period("2026-03-02..2026-03-02")
        t = counting.compute(db, day)
        assert t.citizens == alive and alive > 4 * per_thread * 0.6
        assert {s.code: s.count for s in t.services if s.count} == {"vneid": alive, "province_app": alive}
    finally:
        db.dispose()


def test_check_finds_repairs_logs_and_audits_a_difference(any_db, admin, cli, caplog):
    set_profile(any_db, admin, "82", unit_code=UNIT)
    for _i in range(3):
        log_record(any_db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2026, 3, 2, 9)))
    with any_db.write() as session:  # damage: as if a write had been lost
        session.execute(update(DailyTally).values(n=DailyTally.n + 5))
    url = None if any_db.is_sqlite else any_db.url
    code, out, _err = cli("check", "--no-repair", db_url=url)
    assert code == 1 and "vneid" in out
    assert counting.compute(any_db, parse_period("2026-03")).services[0].count == 8  # still damaged
    code, out, _err = cli("check", db_url=url)
    assert code == 0 and "sửa" in out, out
    assert [s.count for s in counting.compute(any_db, parse_period("2026-03")).services if s.code == "vneid"] == [3]
    assert "differ" in caplog.text
    with any_db.session() as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "tally.repair")) is not None
    code, out, _err = cli("check", db_url=url)
    assert code == 0 and "khớp" in out, out


def test_migration_fills_the_daily_tallies_from_existing_records(home, admin):
    """A database of schema 0003 with records: opening it runs 0004, which counts them into the daily tallies."""
    from alembic import command

    from dxdesk.db.engine import _alembic_config

    db = open_database(None, home)
    set_profile(db, admin, "82", unit_code=UNIT)
    log_record(db, admin, NewRecord(services=["vneid", "shop_epay"], occurred_at=dt.datetime(2026, 3, 2, 9), count=4,
                                    is_campaign=True))
    log_record(db, admin, NewRecord(services=["shop_epay"], occurred_at=dt.datetime(2026, 3, 2, 10), count=7,
                                    is_campaign=True))
    with db.engine.connect() as conn:
        conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # batch migrations copy tables
        command.downgrade(_alembic_config(conn), "0003")
        conn.commit()
    db.dispose()
    db = open_database(None, home)  # migrates to the head again
    try:
        assert_in_step(db)
        t = counting.compute(db, parse_period("2026-03"))
        assert (t.citizens, t.shops) == (4, 11)  # the shop-only entry is 7 shops, not 7 citizens
    finally:
        db.dispose()
