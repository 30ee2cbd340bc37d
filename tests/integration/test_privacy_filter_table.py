"""The privacy filter on every free-text field (issue #15): ≥80 hostile payloads × every field are refused with
the reason, and none of them ends up anywhere in the database files (searched as bytes, WAL included)."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dxdesk.counter import records
from dxdesk.counter.contact import ContactInput
from dxdesk.counting import catalogue
from dxdesk.errors import UserError
from dxdesk.guides import sheets as guides
from dxdesk.reporting import issuer as report_settings
from dxdesk.reporting import numbers as reportnumbers
from dxdesk.security import auth
from dxdesk.settings import profile
from dxdesk.shifts import calendar_vn, planning
from dxdesk.volunteers import members as roster

CCCD = "079203004512"
SEPARATORS = (" ", ".", "-", "/", ",", "_", " - ", ". ")


def _grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, i = [], 0
    for n in sizes:
        out.append(digits[i:i + n])
        i += n
    return sep.join(out)


def payloads() -> list[tuple[str, str]]:
    """(kind, text): each text hides one thing dxdesk must never store."""
    out = [("cccd", f"CCCD {CCCD}"), ("cccd", f"số {CCCD} nhé")]
    for sep in SEPARATORS:
        for sizes in ((3, 3, 3, 3), (4, 4, 4), (3, 4, 5)):
            out.append(("cccd", "khách " + _grouped(CCCD, sizes, sep)))
    out.append(("cccd", "0 7 9 2 0 3 0 0 4 5 1 2"))
    for word in ("CMND", "CMT", "chứng minh", "chứng minh nhân dân", "số CMND:"):
        out.append(("cmnd", f"{word} 271 834 506"))
        out.append(("cmnd", f"{word}271834506"))
    for word in ("OTP", "otp", "mã", "Mã xác thực", "mã OTP", "PIN", "pin"):
        for glue in ("", " ", ": ", ":", " là "):
            out.append(("code", f"{word}{glue}482913"))
    for word in ("mk", "MK", "mật khẩu", "Mật khẩu", "pass", "password", "Password"):
        for glue in (" ", ": ", ":"):
            out.append(("code", f"{word}{glue}Lan2026"))
    for phone in ("0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "+84 912 345 678", "84912345678",
                  "(+84) 912345678", "0283 822 1234"):
        out.append(("phone", f"gọi lại {phone}"))
    for ch in ("\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u200f", "\u200b", "\ufeff", "\x00", "\x07", "\x1b",
               "\x7f"):
        out.append(("control", f"Nguyễn{ch}Văn An"))
    return out


PAYLOADS = payloads()


def test_there_are_at_least_80_payloads_of_every_kind():
    kinds = {k for k, _t in PAYLOADS}
    assert len(PAYLOADS) >= 80 and kinds == {"cccd", "cmnd", "code", "phone", "control"}


@dataclasses.dataclass
class Fixture:
    record: str
    shift: int
    user: int


def _setup(db, admin) -> Fixture:
    profile.set_profile(db, admin, "82", unit_code="28261")
    uid = auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    rec = records.log_record(db, admin, records.NewRecord(services=["vneid"]))
    shift = planning.add_shift(db, admin, dt.date(2026, 3, 2), "08:00", "11:00", kind="outreach", place="Chợ")
    return Fixture(rec, shift, uid)


def _guide(db, _fixture, text):
    g = guides.get_guide(db, "vneid")
    return guides.save_guide(db, db._actor, dataclasses.replace(g, title_vi=text))


def _report_settings(db, _fixture, text):
    value = report_settings.load(db)
    return report_settings.save(db, db._actor, dataclasses.replace(value, signer_name=text))


# field -> what storing TEXT into it takes (phones: whether a public phone number is allowed there)
FIELDS = {
    "record note": lambda db, f, t: records.log_record(db, db._actor, records.NewRecord(services=["vneid"], note=t)),
    "record place (campaign)": lambda db, f, t: records.log_record(
        db, db._actor, records.NewRecord(services=["vneid"], count=5, is_campaign=True, place=t)),
    "correction note": lambda db, f, t: records.correct_record(db, db._actor, f.record, records.Correction(note=t)),
    "void reason": lambda db, f, t: records.void_record(db, db._actor, f.record, t),
    "contact name": lambda db, f, t: records.log_record(
        db, db._actor, records.NewRecord(services=["vneid"], contact=ContactInput(name=t, phone="", consent=True))),
    "shift place": lambda db, f, t: planning.add_shift(db, db._actor, dt.date(2026, 3, 3), "08:00", "11:00",
                                                      kind="outreach", place=t),
    "shift note": lambda db, f, t: planning.add_shift(db, db._actor, dt.date(2026, 3, 4), "08:00", "11:00",
                                                     kind="outreach", place="Chợ", note=t),
    "shift cancel reason": lambda db, f, t: planning.cancel_shift(db, db._actor, f.shift, t),
    "reception point name": lambda db, f, t: planning.add_reception_point(db, db._actor, t),
    "reception point address": lambda db, f, t: planning.add_reception_point(db, db._actor, "Điểm 2", t),
    "volunteer name": lambda db, f, t: roster.add_volunteer(db, db._actor, t),
    "team name": lambda db, f, t: roster.add_team(db, db._actor, t),
    "team hamlet": lambda db, f, t: roster.add_team(db, db._actor, "Tổ 9", hamlet=t),
    "user name shown": lambda db, f, t: auth.create_user(db, db._actor, "minh", t, "clerk", "135792"),
    "user rename": lambda db, f, t: auth.rename(db, db._actor, f.user, t),
    "unit name": lambda db, f, t: profile.set_profile(db, db._actor, "82", unit_code="28261", unit_name=t),
    "day off name": lambda db, f, t: calendar_vn.set_override(db, db._actor, dt.date(2026, 12, 21), "off", t),
    "guide text": _guide,
    "report signer": _report_settings,
    "report number title": lambda db, f, t: reportnumbers.issue(db, db._actor, "BC", t, "2026"),
    "service name": lambda db, f, t: catalogue.save_service(db, db._actor, "vneid", name_vi=t),
}
PHONES_ALLOWED = {"guide text"}  # a guide may name a public hotline


def _files(db) -> list[Path]:
    path = db.sqlite_path
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_every_payload_refused_in_every_field_and_not_in_the_files(field, db, admin):
    db._actor = admin
    fixture = _setup(db, admin)
    stored_anyway = []
    for kind, text in PAYLOADS:
        if kind == "phone" and field in PHONES_ALLOWED:
            continue
        try:
            FIELDS[field](db, fixture, text)
        except UserError as exc:
            assert exc.message and "\n" not in exc.message
            continue
        stored_anyway.append(text)
    assert stored_anyway == [], f"{field} stored {len(stored_anyway)} payloads: {stored_anyway[:5]}"
    # and nothing of them is in the database files, as bytes (the WAL too)
    data = b"".join(p.read_bytes() for p in _files(db))
    found = [text for kind, text in PAYLOADS if not (kind == "phone" and field in PHONES_ALLOWED)
             and text.encode("utf-8") in data]
    assert found == []


def test_a_phone_points_to_the_contact_fields_and_bidi_is_named(db, admin):
    with pytest.raises(UserError, match="ô liên hệ"):
        records.log_record(db, admin, records.NewRecord(services=["vneid"], note="SĐT 0912 345 678"))
    with pytest.raises(UserError, match="U\\+202E"):
        records.log_record(db, admin, records.NewRecord(services=["vneid"], note="abc\u202edef"))


def test_ordinary_texts_still_pass_everywhere(db, admin):
    db._actor = admin
    fixture = _setup(db, admin)
    for field, fn in FIELDS.items():
        if field in ("unit name",):
            fn(db, fixture, "Phường Mỹ Tho")
            continue
        fn(db, fixture, "Nguyễn Thị Hồng" if field in ("volunteer name", "user name shown", "user rename",
                                                       "contact name", "report signer") else
           "Chợ Mỹ Tho, ngày 1/3/2026: hỗ trợ 25 người cài VNeID")


# --- the volunteer column of imported packages -------------------------------------------------------------

from tests.integration.test_import_hostile import members, write  # noqa: E402


@pytest.fixture(scope="module")
def hostile_source(tmp_path_factory):
    from tests.integration.test_import_hostile import good_package

    return good_package.__wrapped__(tmp_path_factory)


def _with_volunteer(src: Path, dst: Path, text: str) -> Path:
    import csv
    import io

    from dxdesk.exchange import package as pkg

    files = members(src)
    rows = list(csv.reader(io.StringIO(files[pkg.RECORDS].decode("utf-8-sig"), newline="")))
    rows[1][8] = text
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    files[pkg.RECORDS] = ("\ufeff" + out.getvalue()).encode("utf-8")
    return write(dst, files)


def test_imported_volunteer_column_goes_through_the_same_filter(db, admin, hostile_source, tmp_path):
    good_package = hostile_source
    from dxdesk.exchange.importer import import_package
    from tests.integration.test_import_hostile import SOURCE
    from tests.signing_helpers import enrol_file

    profile.set_profile(db, admin, "82")
    enrol_file(db, SOURCE["enrolment"])  # the commune is enrolled: the filter, not the signature, refuses
    stored_anyway = []
    for i, (_kind, text) in enumerate(PAYLOADS):
        try:
            import_package(db, admin, _with_volunteer(good_package, tmp_path / f"p{i}.zip", text))
        except UserError as exc:
            assert "tình nguyện viên" in exc.message and "\n" not in exc.message
            continue
        stored_anyway.append(text)
    assert stored_anyway == []
    data = b"".join(p.read_bytes() for p in _files(db))
    assert [t for _k, t in PAYLOADS if t.encode("utf-8") in data] == []
    import_package(db, admin, _with_volunteer(good_package, tmp_path / "ok.zip", "TNV-007"))  # a pseudonym passes


# --- texts of settings packages (a day off's name, as the province sends it) ---------------------------------


@pytest.fixture(scope="module")
def settings_source(tmp_path_factory):
    from tests.integration.test_settings_package import good_settings

    return good_settings.__wrapped__(tmp_path_factory)


def test_settings_package_texts_go_through_the_same_filter(db, admin, settings_source, tmp_path):
    from dxdesk.exchange.settings_package import apply_settings_package
    from tests.integration.test_settings_package import rewrite
    from tests.signing_helpers import pin_sender

    profile.set_profile(db, admin, "82", unit_code="28261")
    pin_sender(db, settings_source)  # the province's key is pinned: the filter, not the signature, refuses
    stored_anyway = []
    for i, (_kind, text) in enumerate(PAYLOADS):
        package = rewrite(settings_source, tmp_path / f"s{i}.zip",
                          body=lambda d, t=text: d["holidays"][0].update(name=t))
        try:
            apply_settings_package(db, admin, package)
        except UserError as exc:
            assert "\n" not in exc.message
            continue
        stored_anyway.append(text)
    assert stored_anyway == []
    data = b"".join(p.read_bytes() for p in _files(db))
    assert [t for _k, t in PAYLOADS if t.encode("utf-8") in data] == []
    ordinary = rewrite(settings_source, tmp_path / "ok.zip", body=lambda d: d["holidays"][0].update(name="Lễ hội Xoài"))
    apply_settings_package(db, admin, ordinary)  # the same rewriting, an ordinary name: applied
    assert "Lễ hội Xoài".encode() in b"".join(p.read_bytes() for p in _files(db))
