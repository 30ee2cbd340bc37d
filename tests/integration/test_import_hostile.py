"""Every hostile or broken package is refused whole with a Vietnamese message, and the target database's
records (count and content) stay exactly as they were — on SQLite and PostgreSQL; CLI exit codes."""

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from dxdesk import demo
from dxdesk.database import open_database
from dxdesk.db.models import ImportBatch, RecordService, ServiceRecord
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange.export import export_package
from dxdesk.exchange.importer import import_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import enrol_file, enrolment_file, private_bytes, resign

PERIOD = parse_period("2025")


@pytest.fixture(scope="module")
def good_package(tmp_path_factory):
    from dxdesk.security.actor import cli_actor

    tmp = tmp_path_factory.mktemp("source")
    db = open_database(None, AppPaths(tmp / "a").ensure())
    set_profile(db, cli_actor(), "82", unit_code="28249")
    demo.fill(db, cli_actor(), records=120, seed=5, start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 31))
    out = export_package(db, cli_actor(), PERIOD, tmp / "good.zip").path
    SOURCE["key"] = private_bytes(db)  # the commune's signing key: a forger who is an enrolled commune
    SOURCE["enrolment"] = enrolment_file(db, tmp)
    db.dispose()
    return out


SOURCE: dict = {}


def province(db, admin):
    """DB as the province database of Đồng Tháp with the source commune enrolled."""
    set_profile(db, admin, "82")
    enrol_file(db, SOURCE["enrolment"])


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write(path: Path, files: dict[str, bytes], rehash: bool = True, manifest_changes: dict | None = None,
          sign: bool = True) -> Path:
    """Write a package with FILES; by default the manifest's hashes are recomputed and the package signed again
    with the enrolled commune's key (a 'clever' forger: the commune itself)."""
    files = dict(files)
    files.pop(pkg.SIGNATURE, None)
    manifest = json.loads(files[pkg.MANIFEST])
    if rehash:
        manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in files.items() if n != pkg.MANIFEST}
    manifest.update(manifest_changes or {})
    files[pkg.MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return resign(path, SOURCE["key"]) if sign else path


def csv_edit(files: dict, fn) -> dict:
    text = files[pkg.RECORDS].decode("utf-8-sig")
    lines = text.split("\r\n")
    files = dict(files)
    files[pkg.RECORDS] = ("\ufeff" + "\r\n".join(fn(lines))).encode("utf-8")
    return files


def tampered(src, dst):
    files = csv_edit(members(src), lambda ls: [ls[0], ls[1].replace(",1,", ",9,", 1), *ls[2:]])
    return write(dst, files, rehash=False)


def missing_manifest(src, dst):
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in members(src).items():
            if name != pkg.MANIFEST:
                zf.writestr(name, data)
    return dst


def unknown_version(src, dst):
    return write(dst, members(src), manifest_changes={"format_version": 2})


def zip_bomb(src, dst):
    files = members(src)
    files[pkg.RECORDS] += b"\r\n" * 0 + b" " * (50 * 1024 * 1024)  # 50 MB of spaces deflate ~1000:1
    return write(dst, files)


def absolute_path(src, dst):
    files = members(src)
    files["/etc/cron.d/x"] = b"* * * * * root true\n"
    return write(dst, files)


def dot_dot(src, dst):
    files = members(src)
    files["../../evil.csv"] = b"x"
    return write(dst, files)


def not_utf8(src, dst):
    return write(dst, csv_edit(members(src), lambda ls: [ls[0], *ls[1:]]) | {
        pkg.RECORDS: members(src)[pkg.RECORDS].replace(b"TNV-", b"T\xe0\xe9-", 1)})


def wrong_columns(src, dst):
    return write(dst, csv_edit(members(src), lambda ls: [ls[0].replace("volunteer", "volunteer_name"), *ls[1:]]))


def bad_date(src, dst):
    return write(dst, csv_edit(members(src), lambda ls: [ls[0], ls[1].replace("2025-", "31/", 1), *ls[2:]]))


def unknown_unit(src, dst):
    manifest = json.loads(members(src)[pkg.MANIFEST])
    return write(dst, members(src), manifest_changes={"unit": {**manifest["unit"], "unit_code": "99999"}})


def rehashed_not_resigned(src, dst):
    """An edit re-hashed in the manifest by someone without the commune's key: the signature no longer matches."""
    files = csv_edit(members(src), lambda ls: [ls[0], ls[1].replace(",1,", ",9,", 1), *ls[2:]])
    signature = files[pkg.SIGNATURE]
    write(dst, files, sign=False)
    with zipfile.ZipFile(dst, "a") as zf:
        zf.writestr(pkg.SIGNATURE, signature)
    return dst


def unsigned(src, dst):
    return write(dst, members(src), sign=False)


def stranger_key(src, dst):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    write(dst, members(src), sign=False)
    return resign(dst, Ed25519PrivateKey.generate().private_bytes_raw())


def _unit(src, dst, **unit):
    manifest = json.loads(members(src)[pkg.MANIFEST])
    return write(dst, members(src), manifest_changes={"unit": {**manifest["unit"], **unit}})


def claims_other_commune(src, dst):  # Phường Thới Sơn, also in Đồng Tháp, not enrolled: signed with Đạo Thạnh's key
    return _unit(src, dst, unit_code="28270", unit_name="Phường Thới Sơn")


def unit_of_another_province(src, dst):  # a Hà Nội ward rolled into Đồng Tháp
    return _unit(src, dst, unit_code="00004", unit_name="Phường Ba Đình", province_code="01",
                 province_name="Thành phố Hà Nội")


def province_mismatch(src, dst):  # 28249 is in the list, but not in province 01
    return _unit(src, dst, province_code="01")


def _dated(src, dst, day: str, period_from: str, period_to: str):
    files = csv_edit(members(src), lambda ls: [ls[0], ls[1][:37] + day + ls[1][47:], *ls[2:]])
    manifest = json.loads(files[pkg.MANIFEST])
    period = {**manifest["period"], "from": period_from, "to": period_to}
    return write(dst, files, manifest_changes={"period": period})


def dated_2099(src, dst):
    return _dated(src, dst, "2099-01-05", "2025-01-01", "2099-12-31")


def dated_2019(src, dst):
    return _dated(src, dst, "2019-12-31", "2019-01-01", "2025-12-31")


def id_number_as_pseudonym(src, dst):
    def edit(lines):
        first = lines[1].split(",")
        first[8] = "001099012345"
        return [lines[0], ",".join(first), *lines[2:]]

    return write(dst, csv_edit(members(src), edit))


HOSTILE = {
    "rehashed_not_resigned": (rehashed_not_resigned, "chữ ký không khớp với nội dung"),
    "unsigned": (unsigned, "gói không có chữ ký"),
    "stranger_key": (stranger_key, "không phải khoá đã đăng ký của Phường Đạo Thạnh (28249)"),
    "claims_other_commune": (claims_other_commune, "gói ghi là của Phường Thới Sơn (28270) nhưng được ký bằng khoá đã "
                                                   "đăng ký cho Phường Đạo Thạnh (28249)"),
    "unit_of_another_province": (unit_of_another_province, "Phường Ba Đình (00004) thuộc Thành phố Hà Nội, không thuộc"),
    "province_mismatch": (province_mismatch, "xã/phường 28249 (Phường Đạo Thạnh) thuộc tỉnh 82, nhưng gói ghi tỉnh 01"),
    "dated_2099": (dated_2099, "dòng 2: Ngày 05/01/2099 ở tương lai"),
    "dated_2019": (dated_2019, "Ngày 31/12/2019 trước 01/01/2020"),
    "id_number_as_pseudonym": (id_number_as_pseudonym, "số căn cước"),
    "tampered": (tampered, "không khớp"),
    "missing_manifest": (missing_manifest, "thiếu tệp manifest.json"),
    "unknown_version": (unknown_version, "phiên bản định dạng 2"),
    "zip_bomb": (zip_bomb, "zip bomb"),
    "absolute_path": (absolute_path, "đường dẫn không an toàn"),
    "dot_dot": (dot_dot, "đường dẫn không an toàn"),
    "not_utf8": (not_utf8, "không phải văn bản UTF-8"),
    "wrong_columns": (wrong_columns, "không có đúng các cột"),
    "bad_date": (bad_date, "không đọc được"),
    "unknown_unit": (unknown_unit, "không có trong danh mục chính thức"),
}


def snapshot(db):
    """Everything an import could change: the records, their services, the batches, every table's row count
    (the daily tallies among them), the audit log and the trusted keys."""
    from sqlalchemy import func, text

    from dxdesk.db.models import AuditEvent, Base, TrustedKey

    with db.session() as s:
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
        audit_rows = s.execute(select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.details)
                               .order_by(AuditEvent.id)).all()
        keys = s.execute(select(TrustedKey.fingerprint, TrustedKey.last_package, TrustedKey.retired_at)
                         .order_by(TrustedKey.id)).all()
        tally_tables = [n for n in counts if "tally" in n]
        tallies = [s.execute(text(f"SELECT * FROM {n} ORDER BY 1, 2")).all() for n in tally_tables]
    return _records(db), counts, audit_rows, keys, tallies


def _records(db):
    with db.session() as s:
        records = s.execute(select(ServiceRecord.uuid, ServiceRecord.voided, ServiceRecord.channel, ServiceRecord.origin,
                                   ServiceRecord.work_date).order_by(ServiceRecord.uuid)).all()
        services = s.execute(select(RecordService.record_id, RecordService.service_code, RecordService.count)
                             .order_by(RecordService.id)).all()
        batches = s.execute(select(ImportBatch.id)).all()
    return records, services, batches


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_package_refused_whole_and_nothing_changes(case, any_db, good_package, tmp_path, admin):
    province(any_db, admin)
    import_package(any_db, admin, good_package)  # the target already holds one commune's data
    before = snapshot(any_db)
    assert len(before[0][0]) == 120
    make, needle = HOSTILE[case]
    bad = make(good_package, tmp_path / f"{case}.zip")
    with pytest.raises(UserError) as info:
        import_package(any_db, admin, bad)
    message = str(info.value)
    assert message.startswith(f"Từ chối gói {case}.zip: ") and needle in message, message
    assert "\n" not in message
    assert snapshot(any_db) == before


def test_forged_record_count_and_split_record_are_refused(db, good_package, tmp_path, admin):
    province(db, admin)
    fewer = write(tmp_path / "fewer.zip", members(good_package), manifest_changes={"record_count": 119})
    with pytest.raises(UserError, match="manifest ghi 119"):
        import_package(db, admin, fewer)
    split = write(tmp_path / "split.zip", csv_edit(members(good_package),  # first record's row repeated at the end
                                                   lambda ls: [ls[0], *ls[1:-1], ls[1], ls[-1]]))
    with pytest.raises(UserError, match="không nằm liền nhau"):
        import_package(db, admin, split)
    assert snapshot(db)[0][0] == []


def test_cli_import_reports_each_package_and_exits_2_when_one_is_refused(cli, good_package, tmp_path):
    assert cli("init", "--province-code", "82")[0] == 0
    code, out, err = cli("import", good_package)  # not enrolled yet: refused, naming the key
    assert code == 2 and "chưa được đăng ký ở đây" in err and "dxdesk keys export-enrolment" in err
    fingerprint = json.loads(SOURCE["enrolment"].read_text())["fingerprint"]
    code, out, err = cli("keys", "enrol", SOURCE["enrolment"], "--fingerprint", fingerprint.lower().replace("-", " "))
    assert code == 0 and fingerprint in out
    bad = tampered(good_package, tmp_path / "bad.zip")
    code, out, err = cli("import", good_package, bad)
    assert code == 2
    assert "good.zip: Phường Đạo Thạnh, kỳ 2025: 120 mới, 0 đã có." in out
    assert err.strip().startswith("Từ chối gói bad.zip:") and len(err.strip().splitlines()) == 1
    code, out, err = cli("import", good_package)  # sent again: recognised, not an error
    assert code == 0 and out.startswith("good.zip: gói này đã nhập ngày ") and err == ""
    code, out, err = cli("stats", "--period", "2025", "--unit", "28249", "--json")
    assert code == 0 and sum(i["count"] for i in json.loads(out)["indicators"]) > 0


def test_cli_export_needs_confirmation_for_personal_data(cli, home, tmp_path):
    assert cli("init", "--province-code", "82", "--unit-code", "28249", "--unit", "Phường Đạo Thạnh")[0] == 0
    assert cli("log", "vneid", "--date", "2025-03-03")[0] == 0
    code, out, err = cli("export", "--period", "2025", "--out", tmp_path / "p.zip", "--with-personal-data")
    assert code == 2 and "--yes" in err and not (tmp_path / "p.zip").exists()
    code, out, err = cli("export", "--period", "2025", "--out", tmp_path / "p.zip", "--with-personal-data", "--yes")
    assert code == 0 and "1 lượt ghi nhận" in out
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        assert pkg.PERSONAL in zf.namelist()
    code, out, err = cli("export", "--period", "2025", "--out", tmp_path / "n.zip")
    with zipfile.ZipFile(tmp_path / "n.zip") as zf:
        assert pkg.PERSONAL not in zf.namelist()
    code, out, err = cli("export", "--period", "2025-13", "--out", tmp_path / "x.zip")
    assert code == 2 and len(err.strip().splitlines()) == 1
