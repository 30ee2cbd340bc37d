"""Downward settings package (issue #7 item 7): the province sends targets, catalogue changes, guide links and
calendar days; a commune checks and applies it whole, audited, never touching its records — SQLite and
PostgreSQL; hostile packages refused with the database unchanged; CLI."""

import datetime as dt
import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, text

from dxdesk import counting, demo
from dxdesk.counting.catalogue import list_services, save_service
from dxdesk.counting.targets import set_target
from dxdesk.database import open_database
from dxdesk.db.models import AuditEvent
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange.export import export_package
from dxdesk.exchange.importer import import_package
from dxdesk.exchange.settings_package import (
    applied_packages,
    apply_settings_package,
    make_settings_package,
    preview_settings_package,
)
from dxdesk.guides import sheets as guides
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile
from dxdesk.shifts import calendar_vn
from tests.signing_helpers import enrol, pin_sender, private_bytes, resign

Y2026 = parse_period("2026")
MY_THO, OTHER = "28261", "28249"
TABLES = ("service_records", "record_services", "targets", "services", "indicators", "guide_overrides",
          "holiday_overrides", "settings", "volunteers", "shifts", "audit_events")


def snapshot(db) -> dict:
    """Every row of the tables a settings package could touch, in a stable order."""
    with db.session() as session:
        return {t: sorted(tuple(str(v) for v in row) for row in session.execute(text(f"SELECT * FROM {t}")))
                for t in TABLES}


def record_rows(db) -> list:
    snap = snapshot(db)
    return snap["service_records"] + snap["record_services"]


@pytest.fixture
def province(tmp_path, admin):
    db = open_database(None, AppPaths(tmp_path / "province").ensure())
    set_profile(db, admin, "82")
    set_target(db, admin, "APP_PROVINCE", 4802, Y2026, unit_code=MY_THO)
    set_target(db, admin, "EWALLET", 3000, Y2026, unit_code=MY_THO)
    set_target(db, admin, "APP_PROVINCE", 1200, Y2026, unit_code=OTHER)
    yield db
    db.dispose()


@pytest.fixture
def commune(any_db, admin):
    set_profile(any_db, admin, "82", unit_code=MY_THO)
    demo.fill(any_db, admin, records=150, seed=3, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    return any_db


def test_round_trip_targets_catalogue_guides_calendar_never_touch_records(province, commune, admin, tmp_path):
    # the commune's own work before the package: records, a local guide edit, a local festival
    vneid = guides.get_guide(commune, "vneid")
    guides.save_guide(commune, admin, replace(vneid, note_vi="Mang theo điện thoại đã cài VNeID."))
    calendar_vn.set_override(commune, admin, dt.date(2026, 5, 8), "off", "Lễ hội Bà Chúa Xứ (địa phương)")
    records_before = record_rows(commune)
    assert records_before
    stats_before = counting.compute(commune, Y2026)

    # the province edits its catalogue, a guide link and the calendar, then sends the package
    save_service(province, admin, "zalo_oa", indicator_code="OTHER_APPS", name_vi="Hướng dẫn quan tâm Zalo OA của xã",
                 short_vi="Zalo OA")
    save_service(province, admin, "sim_owner", name_vi="Chuẩn hóa thông tin thuê bao chính chủ")
    app = guides.get_guide(province, "province_app")
    link = replace(app.links[0], url="https://dongthap.gov.vn/e-dong-thap", verified=True)
    guides.save_guide(province, admin, replace(app, links=(link, *app.links[1:])))
    calendar_vn.set_override(province, admin, dt.date(2026, 12, 21), "off", "Kỷ niệm ngày thành lập tỉnh")
    made = make_settings_package(province, admin, tmp_path / "caidat.zip", periods=[Y2026], note="Chỉ tiêu năm 2026")
    assert made.serial == 1 and made.targets == 3 and made.guides == 1 and made.holidays == 1

    targets_before = snapshot(commune)["targets"]  # the demo's own quarter and month targets
    pin_sender(commune, made.path)  # the first package: its key confirmed by phone and pinned
    preview = preview_settings_package(commune, admin, made.path)
    kinds = sorted(c.kind for c in preview.changes)
    assert kinds == ["guide", "holiday", "service", "service", "target", "target"]
    assert snapshot(commune)["targets"] == targets_before  # the preview wrote nothing

    plan = apply_settings_package(commune, admin, made.path)
    assert plan.applied and plan.note == "Chỉ tiêu năm 2026"
    after = counting.compute(commune, Y2026)
    targets = {r.code: r.target for r in after.indicators}
    assert targets["APP_PROVINCE"] == 4802 and targets["EWALLET"] == 3000  # its own, not the other commune's 1200
    assert [r.count for r in after.indicators] == [r.count for r in stats_before.indicators]  # counts as before
    assert record_rows(commune) == records_before  # records byte-for-byte as they were
    services = {s.code: s for s in list_services(commune)}
    assert services["zalo_oa"].indicator_code == "OTHER_APPS"
    assert services["sim_owner"].name == "Chuẩn hóa thông tin thuê bao chính chủ"
    assert guides.get_guide(commune, "province_app").links[0].url == "https://dongthap.gov.vn/e-dong-thap"
    assert guides.get_guide(commune, "vneid").note_vi == "Mang theo điện thoại đã cài VNeID."  # local edit kept
    days_off = calendar_vn.days_off(commune, dt.date(2026, 5, 1), dt.date(2026, 12, 31))
    assert "Kỷ niệm ngày thành lập tỉnh" in days_off[dt.date(2026, 12, 21)]
    assert dt.date(2026, 5, 8) in days_off  # the local festival kept

    with commune.session() as session:
        actions = [a for a, in session.execute(select(AuditEvent.action).where(
            AuditEvent.details.like("%settings_package%") | (AuditEvent.entity == "settings_package")))]
        assert actions.count("target.set") == 2 and "settings.apply" in actions

    # the same package again: nothing changes, not even the audit log
    before = snapshot(commune)
    again = apply_settings_package(commune, admin, made.path)
    assert again.already_applied and "không thay đổi" in again.summary()
    assert snapshot(commune) == before

    # a newly recorded citizen with the new service counts under its indicator
    from dxdesk.counter.records import NewRecord, log_record

    log_record(commune, admin, NewRecord(["zalo_oa"], occurred_at=dt.datetime(2026, 6, 5, 9, 0)))

    def other_apps(t):
        return next(r.count for r in t.indicators if r.code == "OTHER_APPS")

    assert other_apps(counting.compute(commune, Y2026)) == other_apps(stats_before) + 1

    # and the province, which rolls up this commune's package, knows the new service too
    up = export_package(commune, admin, Y2026, tmp_path / "up.zip")
    enrol(province, commune, tmp_path)
    assert import_package(province, admin, up.path).new == up.records


def test_newer_packages_replace_older_ones_never_the_reverse(province, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=MY_THO)
    first = make_settings_package(province, admin, tmp_path / "1.zip", periods=[Y2026])
    set_target(province, admin, "APP_PROVINCE", 5000, Y2026, unit_code=MY_THO)
    second = make_settings_package(province, admin, tmp_path / "2.zip", periods=[Y2026])
    assert (first.serial, second.serial) == (1, 2)
    pin_sender(db, second.path)
    apply_settings_package(db, admin, second.path)
    before = snapshot(db)
    with pytest.raises(UserError, match="1.*2"):
        apply_settings_package(db, admin, first.path)
    assert snapshot(db) == before
    assert counting.targets_for(db, Y2026)["APP_PROVINCE"] == 5000
    assert applied_packages(db)["82:-"]["serial"] == 2


def test_only_a_recipient_of_the_same_province_applies_it(province, tmp_path, admin):
    made = make_settings_package(province, admin, tmp_path / "p.zip", periods=[Y2026], recipients=[OTHER])
    mine = open_database(None, AppPaths(tmp_path / "mytho").ensure())
    set_profile(mine, admin, "82", unit_code=MY_THO)
    with pytest.raises(UserError, match="28261"):
        apply_settings_package(mine, admin, made.path)
    elsewhere = open_database(None, AppPaths(tmp_path / "hanoi").ensure())
    set_profile(elsewhere, admin, "01", unit_code="00004")
    with pytest.raises(UserError, match="82"):
        apply_settings_package(elsewhere, admin, make_settings_package(province, admin, tmp_path / "q.zip").path)
    other = open_database(None, AppPaths(tmp_path / "other").ensure())
    set_profile(other, admin, "82", unit_code=OTHER)
    assert counting.targets_for(other, Y2026) == {}
    pin_sender(other, made.path)
    apply_settings_package(other, admin, made.path)
    assert counting.targets_for(other, Y2026) == {"APP_PROVINCE": 1200}
    for d in (mine, elsewhere, other):
        d.dispose()


def test_a_ward_sends_its_own_targets_to_its_counters(db, tmp_path, admin):
    set_profile(db, admin, "82", unit_code=MY_THO)
    set_target(db, admin, "VNEID", 900, Y2026)
    made = make_settings_package(db, admin, tmp_path / "ward.zip", periods=[Y2026], catalogue=False, guides=False,
                                 holidays=False)
    counter = open_database(None, AppPaths(tmp_path / "counter").ensure())
    set_profile(counter, admin, "82", unit_code=MY_THO)
    pin_sender(counter, made.path)
    apply_settings_package(counter, admin, made.path)
    assert counting.targets_for(counter, Y2026) == {"VNEID": 900}
    with pytest.raises(UserError):
        make_settings_package(db, admin, tmp_path / "x.zip", recipients=[OTHER])
    counter.dispose()


def test_only_coordinators_apply_or_make_packages(province, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=MY_THO)
    made = make_settings_package(province, admin, tmp_path / "p.zip", periods=[Y2026])
    pin_sender(db, made.path)
    for role in ("volunteer", "clerk"):
        actor = Actor(username="u", display_name="U", role=role)
        with pytest.raises(UserError):
            apply_settings_package(db, actor, made.path)
        with pytest.raises(UserError):
            make_settings_package(province, actor, tmp_path / "n.zip")
    assert counting.targets_for(db, Y2026) == {}


# --- hostile or broken packages ------------------------------------------------------------------------------


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewrite(src: Path, dst: Path, body=None, manifest=None, rehash=True, names=None, raw_body=None,
            key: bytes | None = None) -> Path:
    """SRC changed by BODY and MANIFEST, signed again with KEY (default: the province's own key, so that each
    check behind the signature is reached)."""
    files = members(src)
    files.pop(pkg.SIGNATURE)
    data = json.loads(files[pkg.SETTINGS])
    if body:
        body(data)
    files[pkg.SETTINGS] = raw_body if raw_body is not None else json.dumps(data, ensure_ascii=False).encode()
    man = json.loads(files[pkg.MANIFEST])
    if rehash:
        man["files"] = {pkg.SETTINGS: hashlib.sha256(files[pkg.SETTINGS]).hexdigest()}
    if manifest:
        manifest(man)
    files[pkg.MANIFEST] = json.dumps(man).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, payload in files.items():
            zf.writestr((names or {}).get(name, name), payload)
    return resign(dst, key or PROVINCE["key"])


def _target(fn):
    return lambda d: fn(next(t for t in d["targets"] if t["unit_code"] == MY_THO))


def _guide(fn):
    return lambda d: fn(d["guides"][0])


def _service(code, fn):
    return lambda d: fn(next(s for s in d["catalogue"]["services"] if s["code"] == code))


HOSTILE = {
    "tampered (hash mismatch)": (dict(body=_target(lambda t: t.update(value=99999)), rehash=False), "không khớp"),
    "unknown format version": (dict(manifest=lambda m: m.update(format_version=9)), "9"),
    "not a settings package": (dict(manifest=lambda m: m.update(format="other")), "định dạng"),
    "path with ..": (dict(names={pkg.SETTINGS: "../settings.json"}), ".."),
    "serial missing": (dict(manifest=lambda m: m.pop("serial")), "manifest.json"),
    "period does not parse": (dict(body=_target(lambda t: t.update(period="2026-13"))), "2026-13"),
    "unknown indicator": (dict(body=_target(lambda t: t.update(indicator_code="NO_SUCH"))), "NO_SUCH"),
    "negative target": (dict(body=_target(lambda t: t.update(value=-5))), "value"),
    "guide link not https": (dict(body=_guide(lambda g: g["links"][0].update(url="javascript:alert(1)"))), "province_app"),
    "unknown guide": (dict(body=_guide(lambda g: g.update(code="nope"))), "nope"),
    "calendar date does not parse": (dict(body=lambda d: d["holidays"][0].update(date="2026-02-30")), "2026-02-30"),
    "calendar name with an ID number": (dict(body=lambda d: d["holidays"][0].update(name="CCCD 082123456789")), ""),
    "service moved to another indicator": (dict(body=_service("vneid", lambda s: s.update(indicator_code="EWALLET"))),
                                           "vneid"),
    "catalogue not a list": (dict(body=lambda d: d["catalogue"].update(services="all")), "catalogue"),
    # found by review: each of these was applied (or crashed) before
    "serial beyond any real numbering": (dict(manifest=lambda m: m.update(serial=2**70)), "manifest.json"),
    "format version true": (dict(manifest=lambda m: m.update(format_version=True)), "True"),
    "created_at not a date": (dict(manifest=lambda m: m.update(created_at="x" * 30)), "manifest.json"),
    "another commune's package for its counters": (
        dict(manifest=lambda m: m.update(issuer={"province_code": "82", "unit_code": OTHER, "name": "Phường khác"})),
        OTHER),
    "NUL in a service name": (dict(body=_service("vneid", lambda s: s.update(name_vi="VNeID\x00x"))), "vneid"),
    "direction override in a short name": (dict(body=_service("vneid", lambda s: s.update(short_vi="\u202eDIENV"))),
                                           "short_vi"),
    "ID number in a service name": (dict(body=_service("vneid", lambda s: s.update(name_vi="Hỗ trợ 079203001234"))),
                                    "CCCD"),
    "upper-case service code": (dict(body=lambda d: d["catalogue"]["services"].append(
        {**d["catalogue"]["services"][0], "code": "VNeID2"})), "VNeID2"),
    "calendar date out of range": (dict(body=lambda d: d["holidays"][0].update(date="0001-01-01")), "0001-01-01"),
    "guide source not text": (dict(body=_guide(lambda g: g.update(source={"a": [1, 2]}))), "source"),
    "guide steps not a list": (dict(body=_guide(lambda g: g.update(steps_vi="abcde"))), "steps_vi"),
    "another commune's target is garbage": (dict(body=lambda d: d["targets"].append(
        {"unit_code": OTHER, "indicator_code": "!!", "period": "zz", "value": "x"})), "!!"),
    "another province's commune in the targets": (dict(body=lambda d: d["targets"].append(
        {"unit_code": "00004", "indicator_code": "VNEID", "period": "2026", "value": 1})), "00004"),
    "absurdly deep JSON": (dict(raw_body=b'{"note": ' + b"[" * 30000 + b"]" * 30000 + b"}"), "JSON"),
    "a key given twice": (dict(raw_body=b'{"note": "a", "note": "b", "targets": []}'), "JSON"),
}


@pytest.fixture(scope="module")
def good_settings(tmp_path_factory):
    from dxdesk.security.actor import cli_actor

    admin = cli_actor()
    tmp = tmp_path_factory.mktemp("settings")
    db = open_database(None, AppPaths(tmp / "prov").ensure())
    set_profile(db, admin, "82")
    set_target(db, admin, "APP_PROVINCE", 4802, Y2026, unit_code=MY_THO)
    app = guides.get_guide(db, "province_app")
    guides.save_guide(db, admin, replace(app, links=(replace(app.links[0], url="https://dongthap.gov.vn/app",
                                                             verified=True), *app.links[1:])))
    calendar_vn.set_override(db, admin, dt.date(2026, 12, 21), "off", "Kỷ niệm ngày thành lập tỉnh")
    path = make_settings_package(db, admin, tmp / "good.zip", periods=[Y2026]).path
    PROVINCE["key"] = private_bytes(db)
    db.dispose()
    return path


PROVINCE: dict = {}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_settings_package_is_refused_and_changes_nothing(case, good_settings, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=MY_THO)
    demo.fill(db, admin, records=40, seed=2, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    kwargs, expect = HOSTILE[case]
    bad = rewrite(good_settings, tmp_path / "bad.zip", **kwargs)
    pin_sender(db, good_settings)
    before = snapshot(db)
    with pytest.raises(UserError) as info:
        apply_settings_package(db, admin, bad)
    message = str(info.value)
    assert message.startswith("Từ chối gói bad.zip") and expect in message
    assert snapshot(db) == before


def test_hostile_package_on_postgresql_too(good_settings, any_db, admin, tmp_path):
    set_profile(any_db, admin, "82", unit_code=MY_THO)
    demo.fill(any_db, admin, records=40, seed=2, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    kwargs, _ = HOSTILE["service moved to another indicator"]
    pin_sender(any_db, good_settings)
    before = snapshot(any_db)
    with pytest.raises(UserError):
        apply_settings_package(any_db, admin, rewrite(good_settings, tmp_path / "bad.zip", **kwargs))
    assert snapshot(any_db) == before
    apply_settings_package(any_db, admin, good_settings)  # the good one still goes in afterwards
    assert counting.targets_for(any_db, Y2026) == {"APP_PROVINCE": 4802}


def test_data_and_settings_packages_are_not_confused(good_settings, province, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=MY_THO)
    with pytest.raises(UserError, match="gói cài đặt"):
        import_package(province, admin, good_settings)
    demo.fill(db, admin, records=20, seed=1, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    data = export_package(db, admin, Y2026, tmp_path / "data.zip").path
    with pytest.raises(UserError, match="gói dữ liệu"):  # before any key is looked at
        apply_settings_package(db, admin, data)


def test_cli_make_preview_apply(cli, tmp_path, home):
    from dxdesk.cli import main

    prov_home = tmp_path / "prov"
    assert main(["--home", str(prov_home), "init", "--province-code", "82", "--province", "Đồng Tháp"]) == 0
    assert main(["--home", str(prov_home), "target", "set", "VNEID", "700", "--period", "2026", "--unit", MY_THO]) == 0
    assert main(["--home", str(prov_home), "service", "set", "zalo_oa", "--indicator", "OTHER_APPS",
                 "--name", "Hướng dẫn quan tâm Zalo OA", "--short", "Zalo OA"]) == 0
    out = tmp_path / "p.zip"
    code, stdout, _ = cli("--home", prov_home, "settings-package", "make", "--period", "2026", "--out", out)
    assert code == 0 and "1" in stdout and out.exists()
    assert cli("init", "--province-code", "82", "--province", "Đồng Tháp", "--unit-code", MY_THO,
               "--unit", "Phường Mỹ Tho")[0] == 0
    code, _, stderr = cli("settings-package", "apply", out, "--preview")  # first package: its key is shown, not pinned
    fingerprint = cli("--home", prov_home, "keys", "show")[1].split(": ")[1].split()[0]
    assert code == 2 and fingerprint in stderr and "keys pin" in stderr
    code, stdout, _ = cli("keys", "pin", out, "--fingerprint", fingerprint)
    assert code == 0 and fingerprint in stdout
    code, stdout, _ = cli("settings-package", "apply", out, "--preview")
    assert code == 0 and "VNEID · 2026" in stdout and "zalo_oa" in stdout
    code, stdout, _ = cli("stats", "--period", "2026", "--json")
    assert json.loads(stdout)["indicators"][6]["target"] is None  # the preview wrote nothing
    code, stdout, _ = cli("settings-package", "apply", out)
    assert code == 0 and "đã áp dụng" in stdout
    vneid = next(i for i in json.loads(cli("stats", "--period", "2026", "--json")[1])["indicators"] if i["code"] == "VNEID")
    assert vneid["target"] == 700
    bad = rewrite(out, tmp_path / "bad.zip", body=lambda d: d["targets"][0].update(value="many"))
    code, stdout, stderr = cli("settings-package", "apply", bad)
    assert code == 2 and len(stderr.strip().splitlines()) == 1 and "bad.zip" in stderr
    code, _, stderr = cli("service", "set", "vneid", "--indicator", "EWALLET")
    assert code == 0  # no records use it yet in this database: allowed
    assert cli("log", "vneid")[0] == 0
    code, _, stderr = cli("service", "set", "vneid", "--indicator", "VNEID")
    assert code == 2 and "vneid" in stderr


def test_line_breaks_in_names_become_spaces(good_settings, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=MY_THO)
    pkg_path = rewrite(good_settings, tmp_path / "p.zip", body=lambda d: d["holidays"][0].update(name="Kỷ niệm\nngày\u2028lễ"))
    pin_sender(db, pkg_path)
    apply_settings_package(db, admin, pkg_path)
    assert calendar_vn.days_off(db, dt.date(2026, 12, 21), dt.date(2026, 12, 21)) == {dt.date(2026, 12, 21): "Kỷ niệm ngày lễ"}


def test_preview_then_a_different_file_at_the_same_path_is_refused(good_settings, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=MY_THO)
    inbox = tmp_path / "inbox.zip"
    inbox.write_bytes(good_settings.read_bytes())
    pin_sender(db, inbox)
    seen = preview_settings_package(db, admin, inbox)
    rewrite(good_settings, inbox, body=_target(lambda t: t.update(value=1)))  # swapped after the preview
    before = snapshot(db)
    with pytest.raises(UserError, match="mở lại"):
        apply_settings_package(db, admin, inbox, expected_sha256=seen.sha256)
    assert snapshot(db) == before


def test_a_package_that_changes_nothing_still_records_its_number(province, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=MY_THO)
    first = make_settings_package(province, admin, tmp_path / "first.zip", periods=[Y2026]).path
    pin_sender(db, first)
    apply_settings_package(db, admin, first)
    same = make_settings_package(province, admin, tmp_path / "same.zip", periods=[Y2026], serial=5).path
    plan = apply_settings_package(db, admin, same)
    assert plan.applied and applied_packages(db)["82:-"]["serial"] == 5


def test_numbering_after_a_restore_and_forgetting_a_sender(province, db, admin, tmp_path):
    from dxdesk.exchange.settings_package import forget_issuer

    set_profile(db, admin, "82", unit_code=MY_THO)
    assert make_settings_package(province, admin, tmp_path / "a.zip", periods=[Y2026]).serial == 1
    with pytest.raises(UserError, match="2"):
        make_settings_package(province, admin, tmp_path / "b.zip", periods=[Y2026], serial=1)  # already used
    jump = make_settings_package(province, admin, tmp_path / "c.zip", periods=[Y2026], serial=40)
    assert jump.serial == 40
    assert make_settings_package(province, admin, tmp_path / "d.zip", periods=[Y2026]).serial == 41
    pin_sender(db, jump.path)
    apply_settings_package(db, admin, jump.path)
    with pytest.raises(UserError, match="40"):
        apply_settings_package(db, admin, tmp_path / "a.zip")
    assert forget_issuer(db, admin, "82:-")["serial"] == 40
    assert apply_settings_package(db, admin, tmp_path / "a.zip").applied
    with pytest.raises(UserError):
        forget_issuer(db, admin, "01:-")


def test_a_period_without_targets_makes_no_package(province, admin, tmp_path):
    with pytest.raises(UserError, match="2099"):
        make_settings_package(province, admin, tmp_path / "x.zip", periods=[parse_period("2099")])
    assert not (tmp_path / "x.zip").exists()


def test_two_coordinators_making_packages_at_once_get_different_numbers(any_db, admin, tmp_path):
    import threading

    set_profile(any_db, admin, "82")
    set_target(any_db, admin, "VNEID", 10, Y2026, unit_code=MY_THO)
    serials, errors = [], []

    def make(i):
        try:
            serials.append(make_settings_package(any_db, admin, tmp_path / f"p{i}.zip", periods=[Y2026]).serial)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=make, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(serials) == list(range(1, 9))


def test_cli_status_forget_and_unwritable_output(cli, tmp_path, home):
    from dxdesk.cli import main

    prov_home = tmp_path / "prov"
    assert main(["--home", str(prov_home), "init", "--province-code", "82", "--province", "Đồng Tháp"]) == 0
    code, _, stderr = cli("--home", prov_home, "settings-package", "make", "--out", tmp_path / "nowhere" / "p.zip")
    assert code == 2 and "nowhere" in stderr
    (tmp_path / "dir.zip").mkdir()
    code, _, stderr = cli("--home", prov_home, "settings-package", "make", "--out", tmp_path / "dir.zip")
    assert code == 2 and len(stderr.strip().splitlines()) == 1
    assert cli("--home", prov_home, "settings-package", "make", "--out", tmp_path / "p.zip", "--serial", "7")[0] == 0
    assert cli("init", "--province-code", "82", "--province", "Đồng Tháp", "--unit-code", MY_THO,
               "--unit", "Phường Mỹ Tho")[0] == 0
    assert "Chưa áp dụng" in cli("settings-package", "status")[1]
    pin_sender_cli = cli("keys", "pin", tmp_path / "p.zip", "--fingerprint",
                         cli("--home", prov_home, "keys", "show")[1].split(": ")[1].split()[0])
    assert pin_sender_cli[0] == 0
    assert cli("settings-package", "apply", tmp_path / "p.zip")[0] == 0
    assert "82:-: gói số 7" in cli("settings-package", "status")[1]
    code, stdout, _ = cli("settings-package", "forget", "82:-")
    assert code == 0 and "7" in stdout
    code, _, stderr = cli("settings-package", "forget", "82:-")
    assert code == 2 and "82:-" in stderr
