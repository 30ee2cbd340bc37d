"""Issue #14: packages a province can trust — on SQLite and PostgreSQL, the keys on the real Secret Service.

Keys: a per-database Ed25519 key kept only in the OS keyring (never in the database, a backup, a package or a
log: searched as bytes), recoverable with the recovery code, a practice copy signs as a stranger. Upward:
enrolment, a commune claiming another, rotation. Downward: a forged settings package, a serial jump, pinning,
re-pinning by an administrator, rotation. No keyring: export and settings package refused, nothing written."""

import base64
import datetime as dt
import json
import shutil
import zipfile
from contextlib import closing
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import func, select, text

from dxdesk import counting, demo
from dxdesk.counting.targets import set_target
from dxdesk.database import open_database
from dxdesk.db.models import AuditEvent, Base, ServiceRecord, TrustedKey
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange import signing, trust
from dxdesk.exchange.export import export_package
from dxdesk.exchange.importer import import_package
from dxdesk.exchange.settings_package import apply_settings_package, make_settings_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.security import fieldcrypt, recovery
from dxdesk.security.actor import Actor
from dxdesk.settings import backup
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import enrol, enrol_file, enrolment_file, pin_sender, private_bytes, resign

PERIOD = parse_period("2025")
Y2026 = parse_period("2026")
DAO_THANH, THOI_SON, MY_THO = "28249", "28270", "28261"  # Đồng Tháp (82)


def commune(tmp_path: Path, name: str, unit: str, admin, records: int = 60, seed: int = 1):
    db = open_database(None, AppPaths(tmp_path / name).ensure())
    set_profile(db, admin, "82", unit_code=unit)
    demo.fill(db, admin, records=records, seed=seed, start=dt.date(2025, 2, 1), end=dt.date(2025, 11, 30))
    return db


def province_db(tmp_path: Path, admin, name: str = "province"):
    db = open_database(None, AppPaths(tmp_path / name).ensure())
    set_profile(db, admin, "82")
    return db


def state(db):
    """What a refused package must leave as it was: every table's row count (daily tallies too), the audit
    log, the trusted keys and the tallies."""
    with db.session() as s:
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
        audit_rows = s.execute(select(AuditEvent.action, AuditEvent.details).order_by(AuditEvent.id)).all()
        keys = s.execute(select(TrustedKey.fingerprint, TrustedKey.retired_at, TrustedKey.last_package)
                         .order_by(TrustedKey.id)).all()
    return counts, audit_rows, keys, [(r.code, r.count) for r in counting.compute(db, PERIOD).indicators]


def counts(db, unit=None):
    return {r.code: r.count for r in counting.compute(db, PERIOD, unit).indicators}


# --- keys: in the real Secret Service, nowhere else --------------------------------------------------------


def _secret_forms(raw: bytes) -> list[bytes]:
    return [raw, raw.hex().encode(), raw.hex().upper().encode(), base64.b64encode(raw),
            base64.urlsafe_b64encode(raw), base64.b32encode(raw).rstrip(b"=")]


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _zip_members(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as zf:
        return [zf.read(n) for n in zf.namelist()]


def test_private_key_is_in_the_secret_service_and_in_no_file(secret_service, any_db, admin, home, tmp_path, cli):
    set_profile(any_db, admin, "82", unit_code=DAO_THANH)
    demo.fill(any_db, admin, records=80, seed=4, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    # a package, a settings package for the ward's counters, an enrolment file, a rotation, a backup, the log
    package = export_package(any_db, admin, PERIOD, tmp_path / "p.zip").path
    set_target(any_db, admin, "VNEID", 900, Y2026)
    settings_zip = make_settings_package(any_db, admin, tmp_path / "s.zip", periods=[Y2026]).path
    enrolment = trust.export_enrolment(any_db, admin, tmp_path / "e.json").path
    old_private = private_bytes(any_db)
    signing.rotate(any_db, admin)
    package2 = export_package(any_db, admin, PERIOD, tmp_path / "p2.zip").path
    db_url = None if any_db.is_sqlite else any_db.engine.url.render_as_string(hide_password=False)
    assert cli("keys", "show", db_url=db_url)[0] == 0  # the command line writes its log under home/logs
    assert cli("export", "--period", "2025", "--out", tmp_path / "p3.zip", db_url=db_url)[0] == 0
    new_private = private_bytes(any_db)
    root = fieldcrypt.get_key(any_db)

    # the keys are in the Secret Service itself (GNOME Keyring over D-Bus), under this database's own name
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService"
    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        items = list(secretstorage.get_default_collection(bus).search_items({"service": "dxdesk"}))
        stored = {i.get_attributes()["username"]: i.get_secret() for i in items}
    assert base64.b64decode(stored[f"field-key:{fieldcrypt.database_id(any_db)}"]) == root

    needles = [form for raw in (old_private, new_private, root) for form in _secret_forms(raw)]
    blobs: dict[str, bytes] = {}
    for path in (package, package2, tmp_path / "p3.zip", settings_zip):
        blobs[path.name] = path.read_bytes()
        for i, member in enumerate(_zip_members(path)):
            blobs[f"{path.name}#{i}"] = member
    blobs["enrolment"] = enrolment.read_bytes()
    logs = _files_under(home.home / "logs")
    assert logs, "the CLI wrote a log"
    for log in logs:
        blobs[str(log)] = log.read_bytes()
    if any_db.is_sqlite:
        copy = backup.backup_to(any_db, admin, tmp_path / "backup.sqlite3").path
        blobs["backup"] = copy.read_bytes()
        for path in any_db.sqlite_path.parent.glob(any_db.sqlite_path.name + "*"):
            blobs[str(path)] = path.read_bytes()  # the database file, its WAL
    else:  # every value of every table, as the server gives it
        with any_db.session() as s:
            for table in Base.metadata.sorted_tables:
                for row in s.execute(text(f"SELECT * FROM {table.name}")):
                    blobs[f"{table.name}:{row[0]}"] = repr(tuple(row)).encode() + b"".join(
                        v for v in row if isinstance(v, bytes))
    leaks = [(where, needle[:8]) for where, data in blobs.items() for needle in needles if needle in data]
    assert leaks == []
    # the public key travels (that is how the province knows it), the private never
    with zipfile.ZipFile(package2) as zf:
        carried = json.loads(zf.read(pkg.SIGNATURE))
    assert carried["public_key"] == signing.public_bytes(signing.private_key(any_db)).hex()
    assert carried["rotations"][0]["new"] == carried["public_key"]


def test_the_recovery_code_brings_the_same_key_back(secret_service, any_db, admin, tmp_path):
    set_profile(any_db, admin, "82", unit_code=DAO_THANH)
    before = signing.own_key(any_db).fingerprint
    code = recovery.recovery_code(any_db, admin)
    keyring.delete_password("dxdesk", f"field-key:{fieldcrypt.database_id(any_db)}")  # the PC is reinstalled
    with pytest.raises(UserError, match="mã khôi phục") as refused:
        export_package(any_db, admin, PERIOD, tmp_path / "x.zip")
    assert "\n" not in refused.value.message and not list(tmp_path.glob("x.zip*"))
    recovery.restore_key(any_db, admin, code)
    assert signing.own_key(any_db).fingerprint == before


def test_two_databases_on_one_pc_never_share_a_key(secret_service, admin, tmp_path):
    a = commune(tmp_path, "a", DAO_THANH, admin, records=5)
    b = province_db(tmp_path, admin)
    fa, fb = signing.own_key(a).fingerprint, signing.own_key(b).fingerprint
    a.dispose()
    shutil.copytree(tmp_path / "a", tmp_path / "practice")  # a practice copy of the commune's database
    practice = open_database(None, AppPaths(tmp_path / "practice").ensure())
    fp = signing.own_key(practice).fingerprint
    assert len({fa, fb, fp}) == 3
    assert fieldcrypt.database_id(practice) == fieldcrypt.database_id(open_database(None, AppPaths(tmp_path / "a")))
    enrol(b, open_database(None, AppPaths(tmp_path / "a")), tmp_path)  # the real one is enrolled
    out = export_package(practice, admin, PERIOD, tmp_path / "practice.zip").path
    with pytest.raises(UserError, match=f"khoá {fp}, không phải khoá đã đăng ký"):
        import_package(b, admin, out)
    assert signing.normal_fingerprint(fa.lower().replace("-", "").replace("0", "o")) == fa


def test_without_a_secure_keyring_nothing_is_signed_or_written(any_db, admin, tmp_path, cli):
    set_profile(any_db, admin, "82", unit_code=DAO_THANH)
    demo.fill(any_db, admin, records=10, seed=1, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    set_target(any_db, admin, "VNEID", 900, Y2026)
    keyring.set_keyring(fail.Keyring())
    before = state(any_db)
    for call in (lambda: export_package(any_db, admin, PERIOD, tmp_path / "p.zip"),
                 lambda: make_settings_package(any_db, admin, tmp_path / "s.zip", periods=[Y2026])):
        with pytest.raises(UserError) as refused:
            call()
        assert refused.value.message.startswith("Không ký được") and "GNOME Keyring" in refused.value.message
        assert "\n" not in refused.value.message
    assert list(tmp_path.glob("*.zip*")) == []
    assert state(any_db) == before  # no serial taken, no audit event
    db_url = None if any_db.is_sqlite else any_db.engine.url.render_as_string(hide_password=False)
    code, out, err = cli("export", "--period", "2025", "--out", tmp_path / "c.zip", db_url=db_url)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "keyring" in err and not (tmp_path / "c.zip").exists()


# --- upward: enrolment, the unit a key speaks for, rotation ------------------------------------------------


def test_enrolled_round_trip_and_a_key_claiming_another_commune(secret_service, any_db, admin, tmp_path):
    a = commune(tmp_path, "a", DAO_THANH, admin, records=120, seed=1)
    b = commune(tmp_path, "b", THOI_SON, admin, records=90, seed=2)
    set_profile(any_db, admin, "82")
    pa = export_package(a, admin, PERIOD, tmp_path / "a.zip").path
    with pytest.raises(UserError, match="chưa được đăng ký ở đây"):
        import_package(any_db, admin, pa)
    # the enrolment step: the fingerprint typed as read over the phone must match
    path = enrolment_file(a, tmp_path)
    with pytest.raises(UserError, match="không phải của khoá này"):
        trust.enrol(any_db, admin, path, "AAAA-BBBB-CCCC-DDDD")
    with pytest.raises(UserError):
        trust.enrol(any_db, Actor("coord", "coordinator"), path, trust.read_enrolment(path).fingerprint)
    enrol_file(any_db, path)
    enrol(any_db, b, tmp_path)
    assert import_package(any_db, admin, pa).new == 120
    assert import_package(any_db, admin, export_package(b, admin, PERIOD, tmp_path / "b.zip").path).new == 90
    assert counts(any_db, DAO_THANH) == counts(a) and counts(any_db, THOI_SON) == counts(b)  # exact totals
    assert counts(any_db) == {k: counts(a)[k] + counts(b)[k] for k in counts(a)}
    views = {v.subject: v for v in trust.trusted_keys(any_db, trust.UNIT)}
    assert views[DAO_THANH].last_package == "a.zip" and views[DAO_THANH].added_by == admin.username
    assert views[DAO_THANH].fingerprint == signing.own_key(a).fingerprint

    # Đạo Thạnh's own key, a package that says Thới Sơn (the manifest rewritten, re-hashed, re-signed)
    with zipfile.ZipFile(pa) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != pkg.SIGNATURE}
    manifest = json.loads(files[pkg.MANIFEST])
    manifest["unit"].update(unit_code=THOI_SON, unit_name="Phường Thới Sơn")
    files[pkg.MANIFEST] = json.dumps(manifest).encode()
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    resign(forged, private_bytes(a))
    before = state(any_db)
    with pytest.raises(UserError, match="gói ghi là của Phường Thới Sơn .28270. nhưng được ký bằng khoá đã đăng ký "
                                        "cho Phường Đạo Thạnh .28249."):
        import_package(any_db, admin, forged)
    assert state(any_db) == before
    a.dispose()
    b.dispose()


def test_a_void_of_another_units_record_is_refused(secret_service, any_db, admin, tmp_path):
    a = commune(tmp_path, "a", DAO_THANH, admin, records=40, seed=1)
    b = commune(tmp_path, "b", THOI_SON, admin, records=30, seed=2)
    set_profile(any_db, admin, "82")
    enrol(any_db, a, tmp_path)
    enrol(any_db, b, tmp_path)
    import_package(any_db, admin, export_package(a, admin, PERIOD, tmp_path / "a.zip").path)
    with any_db.session() as s:
        victim = s.scalar(select(ServiceRecord.uuid).where(ServiceRecord.unit_code == DAO_THANH).limit(1))
    pb = export_package(b, admin, PERIOD, tmp_path / "b.zip").path
    with zipfile.ZipFile(pb) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != pkg.SIGNATURE}
    lines = files[pkg.RECORDS].decode("utf-8-sig").split("\r\n")
    first = lines[1].split(",")
    first[0], first[9] = victim, "1"  # Thới Sơn's package voids a record of Đạo Thạnh
    lines = [lines[0], ",".join(first), *(ln for ln in lines[2:] if not ln.startswith(lines[1].split(",")[0]))]
    files[pkg.RECORDS] = ("\ufeff" + "\r\n".join(lines)).encode()
    import hashlib

    manifest = json.loads(files[pkg.MANIFEST])
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in files.items() if n != pkg.MANIFEST}
    files[pkg.MANIFEST] = json.dumps(manifest).encode()
    bad = tmp_path / "void.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    resign(bad, private_bytes(b))
    before = state(any_db)
    with pytest.raises(UserError, match=f"gói huỷ lượt ghi nhận {victim} thuộc đơn vị 28249"):
        import_package(any_db, admin, bad)
    assert state(any_db) == before
    with any_db.session() as s:
        assert s.scalar(select(ServiceRecord.voided).where(ServiceRecord.uuid == victim)) is False
    a.dispose()
    b.dispose()


def test_a_rotated_commune_key_is_accepted_and_replaces_the_old(secret_service, any_db, admin, tmp_path):
    a = commune(tmp_path, "a", DAO_THANH, admin, records=30)
    set_profile(any_db, admin, "82")
    enrol(any_db, a, tmp_path)
    old = signing.own_key(a).fingerprint
    import_package(any_db, admin, export_package(a, admin, PERIOD, tmp_path / "1.zip").path)
    old_key = private_bytes(a)
    _old, new = signing.rotate(a, admin)
    assert (_old, signing.own_key(a).fingerprint) == (old, new) and new != old
    demo.fill(a, admin, records=10, seed=9, start=dt.date(2025, 12, 1), end=dt.date(2025, 12, 20))
    result = import_package(any_db, admin, export_package(a, admin, PERIOD, tmp_path / "2.zip").path)
    assert (result.new, result.present) == (10, 30)
    assert counts(any_db, DAO_THANH) == counts(a)
    assert [v.fingerprint for v in trust.trusted_keys(any_db, trust.UNIT)] == [new]
    with any_db.session() as s:
        assert s.scalar(select(AuditEvent.details).where(AuditEvent.action == "keys.rotated")).count(new) == 1
    # the retired key no longer speaks for the commune
    shutil.copy(tmp_path / "2.zip", tmp_path / "stale.zip")
    stale = resign(tmp_path / "stale.zip", old_key)
    with pytest.raises(UserError, match=f"khoá {old}, không phải khoá đã đăng ký"):
        import_package(any_db, admin, stale)
    a.dispose()


def test_unsigned_needs_an_administrator_and_is_audited(secret_service, any_db, admin, tmp_path, cli):
    a = commune(tmp_path, "a", DAO_THANH, admin, records=20)
    set_profile(any_db, admin, "82")
    unsigned = resign(export_package(a, admin, PERIOD, tmp_path / "old.zip").path, None)
    with pytest.raises(UserError, match="không có chữ ký"):
        import_package(any_db, admin, unsigned)
    with pytest.raises(UserError, match="không được"):
        import_package(any_db, Actor("coord", "coordinator"), unsigned, allow_unsigned=True)
    assert import_package(any_db, admin, unsigned, allow_unsigned=True).new == 20
    with any_db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "data.import_unsigned")) == 1
    a.dispose()


# --- downward: pinning, forgery, serials, rotation -----------------------------------------------------------


def test_settings_packages_forged_jumped_rotated_and_repinned(secret_service, any_db, admin, tmp_path):
    prov = province_db(tmp_path, admin)
    set_target(prov, admin, "APP_PROVINCE", 5000, Y2026, unit_code=MY_THO)
    set_profile(any_db, admin, "82", unit_code=MY_THO)
    first = make_settings_package(prov, admin, tmp_path / "1.zip", periods=[Y2026]).path
    with pytest.raises(trust.NotPinned) as not_pinned:
        apply_settings_package(any_db, admin, first)
    assert not_pinned.value.fingerprint == signing.own_key(prov).fingerprint
    assert signing.own_key(prov).fingerprint in not_pinned.value.message
    pin_sender(any_db, first)
    apply_settings_package(any_db, admin, first)
    assert counting.targets_for(any_db, Y2026) == {"APP_PROVINCE": 5000}

    # a forger: the right format and province, made by another database (not the pinned key)
    forger = province_db(tmp_path, admin, "forger")
    set_target(forger, admin, "APP_PROVINCE", 1, Y2026, unit_code=MY_THO)
    forged = make_settings_package(forger, admin, tmp_path / "forged.zip", periods=[Y2026], serial=2).path
    before = state(any_db)
    with pytest.raises(UserError, match="không phải khoá đã ghim"):
        apply_settings_package(any_db, admin, forged)
    # a jump of more than 1.000 — even signed with the province's key — and a replay of an older one
    jumped = tmp_path / "jump.zip"
    with zipfile.ZipFile(first) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != pkg.SIGNATURE}
    manifest = json.loads(files[pkg.MANIFEST])
    manifest["serial"] = 1_002
    files[pkg.MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(jumped, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    resign(jumped, private_bytes(prov))
    with pytest.raises(UserError, match="quá 1.000"):
        apply_settings_package(any_db, admin, jumped)
    with pytest.raises(UserError):
        make_settings_package(prov, admin, tmp_path / "x.zip", periods=[Y2026], serial=1_002)  # nor made
    assert state(any_db) == before
    assert counting.targets_for(any_db, Y2026) == {"APP_PROVINCE": 5000}

    # rotation: the province's new key, certified by the old one, is accepted and pinned in its place
    old_fp = signing.own_key(prov).fingerprint
    _o, new_fp = signing.rotate(prov, admin)
    set_target(prov, admin, "APP_PROVINCE", 5200, Y2026, unit_code=MY_THO)
    second = make_settings_package(prov, admin, tmp_path / "2.zip", periods=[Y2026]).path
    assert apply_settings_package(any_db, admin, second).applied
    assert counting.targets_for(any_db, Y2026) == {"APP_PROVINCE": 5200}
    pinned = trust.trusted_keys(any_db, trust.ISSUER)
    assert [(v.fingerprint, v.how) for v in pinned] == [(new_fp, "rotated")] and new_fp != old_fp

    # a lost key: the province's new database is refused until an administrator re-pins (audited)
    reinstalled = province_db(tmp_path, admin, "reinstalled")
    set_target(reinstalled, admin, "APP_PROVINCE", 5300, Y2026, unit_code=MY_THO)
    third = make_settings_package(reinstalled, admin, tmp_path / "3.zip", periods=[Y2026], serial=3).path
    with pytest.raises(UserError, match="ghim lại"):
        apply_settings_package(any_db, admin, third)
    fp = signing.own_key(reinstalled).fingerprint
    with pytest.raises(UserError, match="--replace"):
        trust.pin(any_db, admin, third, fp)
    with pytest.raises(UserError):
        trust.pin(any_db, Actor("coord", "coordinator"), third, fp, replace=True)
    trust.pin(any_db, admin, third, fp, replace=True)
    assert apply_settings_package(any_db, admin, third).applied
    with any_db.session() as s:
        repin = s.scalar(select(AuditEvent.details).where(AuditEvent.action == "keys.repin"))
    assert fp in repin and new_fp in repin
    for d in (prov, forger, reinstalled):
        d.dispose()


def test_keys_cli_show_export_enrol_pin_rotate(secret_service, cli, tmp_path, home):
    from dxdesk.cli import main

    prov = tmp_path / "prov"
    assert main(["--home", str(prov), "init", "--province-code", "82", "--province", "Đồng Tháp"]) == 0
    assert cli("init", "--province-code", "82", "--unit-code", DAO_THANH, "--unit", "Phường Đạo Thạnh")[0] == 0
    assert cli("log", "vneid", "--date", "2025-03-03")[0] == 0
    code, out, _ = cli("keys", "show")
    mine = out.split(": ")[1].split()[0]
    assert code == 0 and signing.normal_fingerprint(mine) == mine
    code, out, _ = cli("keys", "export-enrolment", "--out", tmp_path / "e.json")
    assert code == 0 and mine in out
    assert cli("export", "--period", "2025", "--out", tmp_path / "p.zip")[0] == 0
    code, _, err = cli("--home", prov, "keys", "enrol", tmp_path / "e.json")  # no fingerprint typed: shown, refused
    assert code == 2 and mine in err
    code, _, err = cli("--home", prov, "keys", "enrol", tmp_path / "e.json", "--fingerprint", "7K3Q-M9XD-0000-0000")
    assert code == 2 and "không phải của khoá này" in err
    code, out, _ = cli("--home", prov, "keys", "enrol", tmp_path / "e.json", "--fingerprint", mine)
    assert code == 0 and "Đã đăng ký" in out
    code, out, _ = cli("--home", prov, "import", tmp_path / "p.zip")
    assert code == 0 and "1 mới" in out
    code, out, _ = cli("--home", prov, "keys", "show")
    assert DAO_THANH in out and mine in out and "p.zip" not in out  # the last package's time is shown
    code, _, err = cli("keys", "rotate")
    assert code == 2 and "--yes" in err
    code, out, _ = cli("keys", "rotate", "--yes")
    assert code == 0 and mine in out
    assert cli("export", "--period", "2025", "--out", tmp_path / "p2.zip")[0] == 0
    code, out, _ = cli("--home", prov, "import", tmp_path / "p2.zip")
    assert code == 0 and "1 đã có" in out


def test_two_databases_keep_their_own_upload_token(secret_service, admin, tmp_path):
    from dxdesk.exchange import upload

    a = commune(tmp_path, "a", DAO_THANH, admin, records=1)
    b = commune(tmp_path, "b", THOI_SON, admin, records=1)
    keyring.set_password("dxdesk", upload.TOKEN_NAME, "old-shared")  # stored by a version before issue #14
    upload.configure(a, admin, "https://so.example.gov.vn/nhan", "token-a")
    assert (upload.get_token(a), upload.get_token(b)) == ("token-a", "old-shared")  # b takes over the old one
    upload.configure(b, admin, "https://so.example.gov.vn/nhan", "token-b")
    assert (upload.get_token(a), upload.get_token(b)) == ("token-a", "token-b")
    assert upload.token_name(a) != upload.token_name(b)
    a.dispose()
    b.dispose()


def test_a_ward_database_takes_only_its_own_counters(secret_service, any_db, admin, tmp_path):
    """A ward's database rolls up its own counters (same unit code, each its own key), never another commune."""
    set_profile(any_db, admin, "82", unit_code=MY_THO)
    counter = commune(tmp_path, "counter", MY_THO, admin, records=15)
    neighbour = commune(tmp_path, "neighbour", DAO_THANH, admin, records=10)
    enrol(any_db, counter, tmp_path)
    with pytest.raises(UserError, match="chỉ nhận gói từ các quầy của chính mình"):
        trust.enrol(any_db, admin, enrolment_file(neighbour, tmp_path), signing.own_key(neighbour).fingerprint)
    assert import_package(any_db, admin, export_package(counter, admin, PERIOD, tmp_path / "c.zip").path).new == 15
    before = state(any_db)
    with pytest.raises(UserError, match="Phường Đạo Thạnh .28249.; cơ sở dữ liệu của Phường Mỹ Tho chỉ nhận gói"):
        import_package(any_db, admin, export_package(neighbour, admin, PERIOD, tmp_path / "n.zip").path)
    assert state(any_db) == before
    counter.dispose()
    neighbour.dispose()
