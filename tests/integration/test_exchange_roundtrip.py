"""Export from two communes, roll up into a province database (SQLite and PostgreSQL): stats add up,
the same package sent again is recognised at once, voids travel one way, conflicts are reported and never merged."""

import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from dxdesk import counting, demo
from dxdesk.counter.records import NewRecord, log_record, void_record
from dxdesk.database import open_database
from dxdesk.db.models import AuditEvent, ImportBatch, ServiceRecord, Unit, Volunteer
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange.export import Cancelled, export_package
from dxdesk.exchange.importer import import_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import enrol

PERIOD = parse_period("2025")
UNIT_A, UNIT_B = "28249", "28270"  # Phường Đạo Thạnh, Phường Thới Sơn (Đồng Tháp)


def commune(tmp_path: Path, name: str, unit: str, admin, records: int, seed: int):
    db = open_database(None, AppPaths(tmp_path / name).ensure())
    set_profile(db, admin, "82", unit_code=unit)
    demo.fill(db, admin, records=records, seed=seed, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    return db


@pytest.fixture
def communes(tmp_path, admin):
    a = commune(tmp_path, "a", UNIT_A, admin, 400, 1)
    b = commune(tmp_path, "b", UNIT_B, admin, 300, 2)
    yield a, b
    a.dispose()
    b.dispose()


def counts(result):
    return {r.code: r.count for r in result.indicators}


def record_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ServiceRecord))


def test_round_trip_two_communes_into_province(any_db, communes, tmp_path, admin):
    a, b = communes
    set_profile(any_db, admin, "82")  # province-level database
    enrol(any_db, a, tmp_path)
    enrol(any_db, b, tmp_path)
    pa = export_package(a, admin, PERIOD, tmp_path / "a.zip")
    pb = export_package(b, admin, PERIOD, tmp_path / "b.zip")
    assert (pa.records, pb.records) == (400, 300)

    ra = import_package(any_db, admin, pa.path)
    rb = import_package(any_db, admin, pb.path)
    assert (ra.new, ra.present, rb.new, rb.present) == (400, 0, 300, 0)

    ta, tb, tp = counts(counting.compute(a, PERIOD)), counts(counting.compute(b, PERIOD)), counts(counting.compute(any_db, PERIOD))
    assert sum(tp.values()) > 0
    assert tp == {code: ta[code] + tb[code] for code in tp}
    # units stay apart: one commune's tally in the province database equals that commune's own
    assert counts(counting.compute(any_db, PERIOD, UNIT_A)) == ta
    assert counts(counting.compute(any_db, PERIOD, UNIT_B)) == tb

    # the same file sent again: recognised by its SHA-256 (no row read: the progress is never asked), nothing written
    asked = []
    again = import_package(any_db, admin, pa.path, progress=lambda done, total: asked.append(done) or True)
    assert (again.new, again.present, again.conflicts, asked) == (0, 0, 0, [])
    with any_db.session() as s:
        first_at = s.scalar(select(ImportBatch.imported_at).where(ImportBatch.package_sha256 == pa.sha256))
    assert again.imported_before == first_at and again.unit_code == UNIT_A
    assert again.summary() == f"a.zip: gói này đã nhập ngày {first_at:%d/%m/%Y}, không có gì thay đổi."
    assert counts(counting.compute(any_db, PERIOD)) == tp
    assert record_count(any_db) == 700

    # the same content sent again under another name (a copy, a second e-mail): recognised too
    copy = tmp_path / "a-lan-2.zip"
    shutil.copyfile(pa.path, copy)
    assert import_package(any_db, admin, copy).summary().startswith("a-lan-2.zip: gói này đã nhập ngày ")
    # a changed package (one more record at the commune) is another file: merged normally, row by row
    log_record(a, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 12, 30, 9, 30)))
    pa3 = export_package(a, admin, PERIOD, tmp_path / "a3.zip")
    merged = import_package(any_db, admin, pa3.path)
    assert (merged.new, merged.present, merged.conflicts, merged.imported_before) == (1, 400, 0, None)
    assert "1 mới, 400 đã có" in merged.summary()
    assert record_count(any_db) == 701

    with any_db.session() as s:
        origins = set(s.scalars(select(ServiceRecord.origin)).all())
        assert origins == {f"import:{UNIT_A}:{pa.sha256}", f"import:{UNIT_B}:{pb.sha256}", f"import:{UNIT_A}:{pa3.sha256}"}
        assert set(s.scalars(select(Unit.code)).all()) >= {UNIT_A, UNIT_B}
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 3
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "data.import")) == 3


def test_void_travels_one_way_and_conflicts_are_reported(any_db, communes, tmp_path, admin):
    a, _b = communes
    set_profile(any_db, admin, "82")
    enrol(any_db, a, tmp_path)
    old = export_package(a, admin, PERIOD, tmp_path / "old.zip")
    with a.session() as s:
        victim = s.scalar(select(ServiceRecord.uuid).where(ServiceRecord.voided.is_(False)).order_by(ServiceRecord.id))
    void_record(a, admin, victim, "nhập trùng")
    new = export_package(a, admin, PERIOD, tmp_path / "new.zip")

    import_package(any_db, admin, old.path)
    before = counts(counting.compute(any_db, PERIOD))
    result = import_package(any_db, admin, new.path)
    assert (result.new, result.void_updates, result.present, result.conflicts) == (0, 1, 399, 0)
    assert counts(counting.compute(any_db, PERIOD)) == counts(counting.compute(a, PERIOD))
    assert counts(counting.compute(any_db, PERIOD)) != before
    # the older package again does not bring the record back
    import_package(any_db, admin, old.path)
    with any_db.session() as s:
        assert s.scalar(select(ServiceRecord.voided).where(ServiceRecord.uuid == victim)) is True

    # a package where a known UUID carries different content: conflict, stored record untouched
    with a.write() as s:
        s.execute(update(ServiceRecord).where(ServiceRecord.uuid != victim).values(channel="home"))
    changed = export_package(a, admin, PERIOD, tmp_path / "changed.zip")
    stored = counts(counting.compute(any_db, PERIOD))
    result = import_package(any_db, admin, changed.path)
    assert result.conflicts > 0 and result.new == 0
    assert "xung đột" in result.summary()
    assert counts(counting.compute(any_db, PERIOD)) == stored
    with any_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord).where(ServiceRecord.channel == "home")) == 0


def test_csv_has_the_contract_header_bom_and_no_personal_data(db, tmp_path, admin):
    set_profile(db, admin, "82", unit_code=UNIT_A)
    demo.fill(db, admin, records=50, seed=3, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 3, 5, 9, 30),
                                    place="Nhà bà Tư", note="Cô Lan ở ấp 3"))
    out = export_package(db, admin, PERIOD, tmp_path / "p.zip")
    with zipfile.ZipFile(out.path) as zf:
        raw = zf.read(pkg.RECORDS)
        assert zf.namelist() == [pkg.RECORDS, pkg.TALLY, pkg.MANIFEST, pkg.SIGNATURE]
        manifest = json.loads(zf.read(pkg.MANIFEST))
    assert raw.startswith(b"\xef\xbb\xbf" + b"record_uuid,date,time,channel,outcome,service_code,indicator_code,"
                          b"count,volunteer,voided\r\n")
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len({r["record_uuid"] for r in rows}) == 51 == manifest["record_count"]
    assert all(r["volunteer"].startswith("TNV-") or r["volunteer"] == "" for r in rows)
    with db.session() as s:
        people = s.execute(select(Volunteer.name, Volunteer.phone)).all()
    assert len(people) == 20
    for needle in ["Nhà bà Tư", "Cô Lan", *(n for n, _p in people), *(p for _n, p in people)]:
        assert needle not in text  # place, note, volunteer names and phones
    assert manifest["unit"]["unit_code"] == UNIT_A and manifest["period"]["key"] == "2025"
    with db.session() as s:
        assert s.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "data.export"


def test_personal_data_needs_the_coordinator_and_is_audited(db, tmp_path, admin):
    set_profile(db, admin, "82", unit_code=UNIT_A)
    log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 3, 5, 9, 30), note="Ghi chú"))
    clerk = Actor("thu", "clerk")
    with pytest.raises(UserError, match="không được"):
        export_package(db, clerk, PERIOD, tmp_path / "x.zip", with_personal_data=True)
    assert not (tmp_path / "x.zip").exists()
    assert export_package(db, clerk, PERIOD, tmp_path / "ok.zip").records == 1
    out = export_package(db, admin, PERIOD, tmp_path / "p.zip", with_personal_data=True)
    with zipfile.ZipFile(out.path) as zf:
        assert "Ghi chú" in zf.read(pkg.PERSONAL).decode("utf-8-sig")
    with db.session() as s:
        assert s.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "data.export_personal"
    with pytest.raises(UserError, match="không được"):
        import_package(db, clerk, out.path)


def test_cancelled_export_and_import_leave_nothing(any_db, communes, tmp_path, admin):
    a, _b = communes
    with pytest.raises(Cancelled):
        export_package(a, admin, PERIOD, tmp_path / "c.zip", progress=lambda done, total: False)
    assert list(tmp_path.glob("c.zip*")) == []

    set_profile(any_db, admin, "82")
    enrol(any_db, a, tmp_path)
    import dxdesk.exchange.importer as importer

    big = export_package(a, admin, PERIOD, tmp_path / "a.zip")
    old_chunk = importer.CHUNK
    importer.CHUNK = 50  # so progress is asked for mid-package, after some rows were written
    try:
        with pytest.raises(Cancelled):
            import_package(any_db, admin, big.path, progress=lambda done, total: done < 200)
    finally:
        importer.CHUNK = old_chunk
    assert record_count(any_db) == 0
    with any_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_export_from_either_storage_imports_back_the_same(any_db, tmp_path, admin):
    """A commune on PostgreSQL exports too (server-side cursor); the package rolls up into SQLite identically."""
    set_profile(any_db, admin, "82", unit_code=UNIT_A)
    demo.fill(any_db, admin, records=250, seed=9, start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))
    out = export_package(any_db, admin, PERIOD, tmp_path / "c.zip")
    province = open_database(None, AppPaths(tmp_path / "prov").ensure())
    set_profile(province, admin, "82")
    enrol(province, any_db, tmp_path)
    result = import_package(province, admin, out.path)
    assert (result.new, out.records) == (250, 250)
    assert counts(counting.compute(province, PERIOD, UNIT_A)) == counts(counting.compute(any_db, PERIOD))
    with any_db.session() as s, province.session() as p:
        mine = s.execute(select(ServiceRecord.uuid, ServiceRecord.occurred_at).order_by(ServiceRecord.uuid)).all()
        theirs = p.execute(select(ServiceRecord.uuid, ServiceRecord.occurred_at).order_by(ServiceRecord.uuid)).all()
    assert mine == theirs
    province.dispose()


@pytest.mark.parametrize("big", [False, True], ids=["usual", "indexes-set-aside"])
def test_mixed_package_new_present_voided_and_conflicting(any_db, communes, tmp_path, admin, monkeypatch, big):
    """One package that brings new records, records already here, a void and conflicts (through the staging tables
    on PostgreSQL): each is counted and reported, the conflicting records stay as stored, the tallies stay in step.
    BIG: the package counts as big (more records than stored), so it is inserted with the secondary indexes and the
    UUID index set aside (PostgreSQL: straight into the tables by COPY, its foreign keys set aside too): the known
    records are found by their UUIDs all the same, and the UUID is unique again afterwards."""
    import dxdesk.exchange.importer as importer
    from dxdesk.counting import store

    if big:
        monkeypatch.setattr(importer, "REBUILD_MIN", 10)
        monkeypatch.setattr(importer, "CHUNK", 50)
    a, _b = communes
    set_profile(any_db, admin, "82")
    enrol(any_db, a, tmp_path)
    half = export_package(a, admin, parse_period("2025-01-01..2025-06-30"), tmp_path / "half.zip")
    assert 0 < half.records < 400
    import_package(any_db, admin, half.path)
    with a.session() as s:
        first_half = s.scalars(select(ServiceRecord.uuid).where(ServiceRecord.work_date <= dt.date(2025, 6, 30),
                                                                ServiceRecord.voided.is_(False))
                               .order_by(ServiceRecord.id)).all()
    victim, changed = first_half[0], first_half[1:4]
    void_record(a, admin, victim, "nhập trùng")
    with a.write() as s:  # the commune's copy of three known records now says another channel
        s.execute(update(ServiceRecord).where(ServiceRecord.uuid.in_(changed)).values(channel="home"))
    with any_db.session() as s:
        stored = {u: c for u, c in s.execute(select(ServiceRecord.uuid, ServiceRecord.channel)
                                              .where(ServiceRecord.uuid.in_(changed)))}
    assert all(c != "home" for c in stored.values())
    year = export_package(a, admin, PERIOD, tmp_path / "year.zip")

    result = import_package(any_db, admin, year.path)
    assert (result.new, result.void_updates, result.conflicts) == (400 - half.records, 1, 3)
    assert result.present == half.records - 4
    assert sorted(result.conflict_uuids) == sorted(changed)
    assert "3 xung đột" in result.summary() and changed[0] in result.summary()
    with any_db.session() as s:
        assert {u: c for u, c in s.execute(select(ServiceRecord.uuid, ServiceRecord.channel)
                                            .where(ServiceRecord.uuid.in_(changed)))} == stored
        assert s.scalar(select(ServiceRecord.voided).where(ServiceRecord.uuid == victim)) is True
        assert store.compare(s.connection()).ok
        # every record has its services: the new ones brought theirs, the known ones kept theirs
        assert s.scalar(select(func.count()).select_from(ServiceRecord).where(
            ~ServiceRecord.services.any())) == 0
    assert record_count(any_db) == 400
    # the channel of the conflicts aside (not part of these figures), the province counts what the commune counts
    assert counts(counting.compute(any_db, PERIOD, UNIT_A)) == counts(counting.compute(a, PERIOD))
    with pytest.raises(IntegrityError), any_db.write() as s:  # the UUID is unique again (its index is back)
        copy = s.scalar(select(ServiceRecord).where(ServiceRecord.uuid == changed[0]))
        s.connection().exec_driver_sql(
            "INSERT INTO service_records (uuid, unit_code, work_date, occurred_at, entered_at, entered_by, channel, "
            "outcome, count, is_campaign, place, note, search_text, voided, void_reason, origin) "
            "SELECT uuid, unit_code, work_date, occurred_at, entered_at, entered_by, channel, outcome, count, "
            f"is_campaign, place, note, search_text, voided, void_reason, origin FROM service_records WHERE id = {copy.id}")


def test_big_import_sets_indexes_aside_and_always_puts_them_back(any_db, communes, tmp_path, admin, monkeypatch):
    """A package bigger than the database is inserted without the secondary indexes (PostgreSQL: nor the foreign
    keys), made again after; a package cancelled half-way leaves them as they were."""
    import dxdesk.exchange.importer as importer
    from dxdesk.counting import store

    db = any_db

    def indexes():
        with db.session() as s:
            if db.is_sqlite:
                return s.connection().exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name IN ('service_records', 'record_services') ORDER BY name").all()
            return s.connection().exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('service_records', 'record_services') "
                "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid IN ('service_records'::regclass, 'record_services'::regclass) ORDER BY 1").all()

    a, _b = communes
    set_profile(db, admin, "82")
    enrol(db, a, tmp_path)
    before = indexes()
    assert len(before) >= 6
    monkeypatch.setattr(importer, "REBUILD_MIN", 10)
    monkeypatch.setattr(importer, "CHUNK", 50)
    package = export_package(a, admin, PERIOD, tmp_path / "a.zip")
    with pytest.raises(Cancelled):
        import_package(db, admin, package.path, progress=lambda done, total: done < 200)
    assert indexes() == before and record_count(db) == 0
    dropped = []
    real = importer._Merger._set_indexes_aside

    def spy(self):
        real(self)
        dropped.extend(self.dropped)

    monkeypatch.setattr(importer._Merger, "_set_indexes_aside", spy)
    assert import_package(db, admin, package.path).new == 400
    set_aside = [i for i in before if i[1] and not i[0].endswith("_pkey")]  # the primary keys stay
    assert len(dropped) == len(set_aside) and len(set_aside) >= 6  # they were set aside, and are all back
    assert indexes() == before
    with db.session() as s:
        assert store.compare(s.connection()).ok  # the tallies count what was written straight in
    if not db.is_sqlite:  # the foreign keys hold again
        with pytest.raises(IntegrityError), db.write() as s:
            s.connection().exec_driver_sql(
                "INSERT INTO record_services (record_id, service_code, count) VALUES (999999, 'vneid', 1)")
        return
    with db.session() as s:
        plan = s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM service_records WHERE unit_code = '28249' AND work_date = '2025-03-01'"
        ).all()
    assert "ix_records_unit_date" in str(plan)
