"""The downward settings package: the province (or a ward) sends its communes targets, catalogue changes,
guide links and holiday-table updates (issue #7 item 7; rules in docs/exchange.md).

A package is one .zip with manifest.json (format "dxdesk-settings", issuer, recipients, serial, SHA-256 of
every file) and settings.json. It is checked like the upward data package (package.check_package), then
read whole into a plan of changes; nothing is written until every entry is valid. Applying writes the plan
in one transaction with an audit event per change. Rules:

- only a commune database of the issuer's province that is among the recipients applies it;
- each issuer numbers its packages (serial 1, 2, …): the same package again changes nothing
  ("already applied"); an older serial than the last one applied is refused, so a late e-mail never
  rolls the targets back;
- it never touches service records, volunteers, shifts or users. Catalogue entries are added or updated,
  never deleted (local services the province does not list stay); a service that already has records here
  is never moved to another indicator (the tallies of past work would change): the package is refused;
- targets, guides and holiday days it names replace the local value (the preview shows old and new);
  what it does not name stays as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select, text

import dxdesk
from dxdesk import clock
from dxdesk.counting.catalogue import service_has_records
from dxdesk.counting.targets import MAX_TARGET
from dxdesk.db.models import GuideOverride, HolidayOverride, Indicator, Service, Target
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange import signing, trust
from dxdesk.guides.sheets import (
    Guide,
    allowed_domains,
    default_guide,
    default_guides,
    list_guides,
    validate_guide,
)
from dxdesk.i18n import _
from dxdesk.paths import replaced_when_done
from dxdesk.periods import Period, parse_period
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import store as settings
from dxdesk.settings import units
from dxdesk.settings.profile import get_profile
from dxdesk.text import clean_free_text, find_unsafe_character, nfc
from dxdesk.vnformat import fmt_int

MAX_SERIAL_JUMP = 1_000  # a package numbered more than this above the last one applied is refused
MAX_ITEMS = 20_000
SERVICE_CODE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
INDICATOR_CODE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

KIND_TARGET, KIND_INDICATOR, KIND_SERVICE, KIND_GUIDE, KIND_HOLIDAY = "target", "indicator", "service", "guide", "holiday"


@dataclass(frozen=True)
class Change:
    """One thing the package changes here: KIND, the item's key, a short text of before and after."""

    kind: str
    key: str
    before: str
    after: str
    data: dict = field(default_factory=dict, compare=False, hash=False)

    def kind_label(self) -> str:
        return {KIND_TARGET: _("Indicator target"), KIND_INDICATOR: _("Indicator"), KIND_SERVICE: _("Service"),
                KIND_GUIDE: _("QR guide"), KIND_HOLIDAY: _("Calendar day")}[self.kind]


@dataclass
class SettingsPlan:
    """What a checked package would change (preview) or changed (after apply)."""

    path: Path
    sha256: str
    issuer_key: str
    issuer_name: str
    serial: int
    created_at: str
    note: str
    changes: list[Change]
    unchanged: int
    already_applied: bool = False
    applied: bool = False
    accepted: trust.Accepted | None = None  # the pinned key that vouched for it

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for change in self.changes:
            result[change.kind] = result.get(change.kind, 0) + 1
        return result

    def summary(self) -> str:
        if self.already_applied:
            return _("{name}: settings package no. {serial} of {issuer} was already applied: nothing changed.").format(
                name=self.path.name, serial=self.serial, issuer=self.issuer_name)
        counts = self.counts()
        parts = [text.format(n=counts[kind]) for kind, text in (
            (KIND_TARGET, _("{n} targets")), (KIND_INDICATOR, _("{n} indicators")), (KIND_SERVICE, _("{n} services")),
            (KIND_GUIDE, _("{n} guides")), (KIND_HOLIDAY, _("{n} calendar days"))) if counts.get(kind)]
        what = ", ".join(parts) if parts else _("no changes")
        if self.applied:
            return _("{name}: settings package no. {serial} of {issuer} applied: {what} ({same} already as sent).").format(
                name=self.path.name, serial=self.serial, issuer=self.issuer_name, what=what, same=self.unchanged)
        return _("{name}: settings package no. {serial} of {issuer} would change {what} ({same} already as sent).").format(
            name=self.path.name, serial=self.serial, issuer=self.issuer_name, what=what, same=self.unchanged)


# --- making a package (province or ward) -------------------------------------------------------------------


@dataclass(frozen=True)
class MadePackage:
    path: Path
    sha256: str
    serial: int
    recipients: int
    targets: int
    services: int
    guides: int
    holidays: int


def make_settings_package(db, actor: Actor, out: Path, *, periods: list[Period] = (), recipients: list[str] | None = None,
                          catalogue: bool = True, guides: bool = True, holidays: bool = True, note: str = "",
                          serial: int | None = None) -> MadePackage:
    """Write the settings package of this database to OUT.

    A province database sends each recipient commune the targets set for that commune (`target set --unit`);
    a commune (ward) database sends its own targets to its counters. RECIPIENTS: unit codes (default: every
    commune of the province in the official list; a commune database: itself). SERIAL: number this package
    (and the next ones) from here, e.g. after restoring an older backup of this database; never below the next
    number."""
    require(actor, "settings.send")
    profile = get_profile(db)
    if profile is None:
        raise UserError(_("Set the unit first (dxdesk init): the package names who sends it."))
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise UserError(_("The package file name must end in .zip."))
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    note = clean_free_text(note, 500)
    codes = _recipients(profile, recipients)
    if not (periods or catalogue or guides or holidays):
        raise UserError(_("The package would be empty: choose a period for targets or at least one part."))
    body: dict = {"note": note, "targets": [], "catalogue": None, "guides": [], "holidays": []}
    with db.session() as session:
        for period in periods:
            rows = session.scalars(select(Target).where(Target.period_key == period.key)).all()
            for row in rows:
                if profile.unit_code is None and row.unit_code in codes:
                    body["targets"].append({"unit_code": row.unit_code, "indicator_code": row.indicator_code,
                                            "period": row.period_key, "value": row.value})
                elif profile.unit_code is not None and row.unit_code is None:
                    for code in codes:
                        body["targets"].append({"unit_code": code, "indicator_code": row.indicator_code,
                                                "period": row.period_key, "value": row.value})
        if catalogue:
            body["catalogue"] = {
                "indicators": [{"code": i.code, "name_vi": i.name_vi, "name_en": i.name_en, "unit_vi": i.unit_vi,
                                "unit_en": i.unit_en, "has_target": i.has_target, "sort_order": i.sort_order,
                                "active": i.active}
                               for i in session.scalars(select(Indicator).order_by(Indicator.sort_order, Indicator.code))],
                "services": [{"code": s.code, "indicator_code": s.indicator_code, "name_vi": s.name_vi,
                              "name_en": s.name_en, "short_vi": s.short_vi, "short_en": s.short_en, "icon": s.icon,
                              "sort_order": s.sort_order, "active": s.active}
                             for s in session.scalars(select(Service).order_by(Service.sort_order, Service.code))],
            }
        if holidays:
            since = dt.date(clock.today().year, 1, 1)
            body["holidays"] = [{"date": h.date.isoformat(), "kind": h.kind, "name": h.name}
                                for h in session.scalars(select(HolidayOverride).where(HolidayOverride.date >= since)
                                                         .order_by(HolidayOverride.date))]
    if guides:
        body["guides"] = [g.to_json() for g in list_guides(db) if g.overridden]  # the edited ones
    if periods and not body["targets"]:
        raise UserError(_("No targets are set for the recipients in {periods}: set them first (dxdesk target set "
                          "--unit CODE).").format(periods=", ".join(p.key for p in periods)))
    payload = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    signing.private_key(db)  # no secure keyring: refused now, before a serial is taken or a file written
    with db.write() as session:  # the serial is taken in the same transaction as the audit event
        _lock(session)
        following = int(settings.get(session, settings.PACKAGE_SERIAL)) + 1
        highest = min(following - 1 + MAX_SERIAL_JUMP, pkg.MAX_SERIAL)
        if serial is not None and not following <= serial <= highest:
            raise UserError(_("The package number must be from {low} to {high} (numbers already used here: up to "
                              "{used}).").format(low=following, high=highest, used=following - 1))
        serial = serial or following
        manifest = {
            "format": pkg.SETTINGS_FORMAT_NAME, "format_version": pkg.SETTINGS_FORMAT_VERSION,
            "app_version": dxdesk.__version__,
            "issuer": {"province_code": profile.province_code, "province_name": profile.province_name,
                       "unit_code": profile.unit_code, "name": profile.display_name,
                       "code_list_version": profile.code_list_version},
            "recipients": codes, "serial": serial, "created_at": clock.now().isoformat(timespec="seconds"),
            "files": {pkg.SETTINGS: hashlib.sha256(payload).hexdigest()},
        }
        try:
            with replaced_when_done(out) as part:
                with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                    zf.writestr(pkg.SETTINGS, payload)
                    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                    zf.writestr(pkg.MANIFEST, manifest_bytes)
                    zf.writestr(pkg.SIGNATURE, signing.sign_manifest(db, manifest_bytes))
                sha = pkg.sha256_file(part)
        except OSError as exc:
            raise UserError(_("Cannot write {file}: {error}.").format(file=out, error=exc.strerror or exc)) from None
        settings.put(session, settings.PACKAGE_SERIAL, serial)
        catalogue_services = len(body["catalogue"]["services"]) if body["catalogue"] else 0
        audit.record(session, actor, "settings.send", "settings_package", sha[:16], sha256=sha, serial=serial,
                     recipients=len(codes), targets=len(body["targets"]), services=catalogue_services,
                     guides=len(body["guides"]), holidays=len(body["holidays"]), file=out.name)
    signing.note_signed(db)
    return MadePackage(out, sha, serial, len(codes), len(body["targets"]), catalogue_services, len(body["guides"]),
                       len(body["holidays"]))


def _lock(session) -> None:
    """PostgreSQL: one settings-package writer at a time (serials and the applied record are read, then written).
    SQLite needs nothing: its write transactions already begin with the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(4827001)"))


def _recipients(profile, given: list[str] | None) -> list[str]:
    if profile.unit_code is not None:
        if given and set(given) != {profile.unit_code}:
            raise UserError(_("A commune database sends settings only to its own counters ({code}).").format(
                code=profile.unit_code))
        return [profile.unit_code]
    if not given:
        return [u.unit_code for u in units.units_of(profile.province_code)]
    codes: list[str] = []
    for code in given:
        code = code.strip()
        entry = units.find_unit(code)
        if entry is None or entry.province_code != profile.province_code:
            raise UserError(_("Commune code '{code}' is not a commune of {province} in the official list.").format(
                code=code, province=profile.province_name))
        if code not in codes:
            codes.append(code)
    return codes


# --- receiving a package (commune) -------------------------------------------------------------------------


def preview_settings_package(db, actor: Actor, path: Path) -> SettingsPlan:
    """Check PATH whole and say what applying it would change here. Writes nothing."""
    require(actor, "settings.receive")
    return _plan(db, Path(path))


def apply_settings_package(db, actor: Actor, path: Path, expected_sha256: str | None = None) -> SettingsPlan:
    """Check PATH and apply it whole (one transaction, audited) or refuse it with a UserError, writing nothing.

    EXPECTED_SHA256: the package the user saw in the preview; a different file at that path is refused."""
    require(actor, "settings.receive")
    plan = _plan(db, Path(path))
    if expected_sha256 is not None and plan.sha256 != expected_sha256:
        raise _refused(plan.path, _("the file changed after it was opened: open it again to see what it changes."))
    if plan.already_applied:
        return plan
    with db.write() as session:
        _lock(session)
        applied = settings.get(session, settings.PACKAGES_APPLIED)
        last = applied.get(plan.issuer_key)
        if last and (last["sha256"] == plan.sha256 or int(last["serial"]) >= plan.serial):
            # another window applied it (or a newer one) since the preview: check again from the top
            raise UserError(_("The settings changed while the package was being checked: open it again."))
        for change in plan.changes:
            _write_change(session, actor, change)
        applied[plan.issuer_key] = {"serial": plan.serial, "sha256": plan.sha256, "created_at": plan.created_at,
                                    "applied_at": clock.now().isoformat(timespec="seconds")}
        settings.put(session, settings.PACKAGES_APPLIED, applied)
        trust.record_received(session, actor, plan.accepted, trust.ISSUER, plan.issuer_key, plan.issuer_name,
                              plan.path.name)
        audit.record(session, actor, "settings.apply", "settings_package", plan.sha256[:16], sha256=plan.sha256,
                     issuer=plan.issuer_key, serial=plan.serial, file=plan.path.name, unchanged=plan.unchanged,
                     **plan.counts())
    plan.applied = True
    return plan


def forget_issuer(db, actor: Actor, issuer_key: str) -> dict:
    """Forget the last package applied from ISSUER_KEY (e.g. "82:-"), so its numbering may start again — for a
    province that restored an older backup and numbers its packages anew. Returns what was forgotten."""
    require(actor, "settings.receive")
    with db.write() as session:
        _lock(session)
        applied = settings.get(session, settings.PACKAGES_APPLIED)
        if issuer_key not in applied:
            known = ", ".join(sorted(applied)) or _("none")
            raise UserError(_("No package from “{issuer}” was applied here. Known senders: {known}.").format(
                issuer=issuer_key, known=known))
        forgotten = applied.pop(issuer_key)
        settings.put(session, settings.PACKAGES_APPLIED, applied)
        audit.record(session, actor, "settings.forget", "settings_package", issuer_key, last=forgotten)
    return forgotten


def applied_packages(db) -> dict[str, dict]:
    """Issuer key -> the last package applied from it (serial, sha256, created_at, applied_at)."""
    with db.session() as session:
        return settings.get(session, settings.PACKAGES_APPLIED)


def _day(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)[:10]


_refused = pkg.refuse  # "Từ chối gói …: reason", as the upward package says it


def sender_of(db, path: Path) -> tuple[pkg.CheckedPackage, str, str]:
    """Check PATH whole (structure, hashes, signature) and that it is addressed to this commune by its own
    province (or ward): the checked package, the sender's key ("82:-") and name."""
    checked = pkg.check_package(path, pkg.SETTINGS_FORMAT_NAME)
    man = checked.manifest.data
    profile = get_profile(db)
    if profile is None:
        raise _refused(path, _("set the unit of this database first (dxdesk init or Settings)."))
    if profile.unit_code is None:
        raise _refused(path, _("only a commune database applies a settings package (this one is not a commune's)."))
    issuer = man["issuer"]
    if issuer["province_code"] != profile.province_code:
        raise _refused(path, _("it comes from province {code}, and this commune belongs to province {ours}.").format(
            code=issuer["province_code"], ours=profile.province_code))
    if issuer.get("unit_code") is not None:
        entry = units.find_unit(issuer["unit_code"])
        if entry is None or entry.province_code != issuer["province_code"]:
            raise _refused(path, _("commune code '{code}' is not in the official list (QĐ 19/2025).").format(
                code=issuer["unit_code"]))
        if issuer["unit_code"] != profile.unit_code:  # a ward sends only to its own counters
            raise _refused(path, _("it was made by commune {code} for its own counters, not for {unit}.").format(
                code=issuer["unit_code"], unit=profile.unit_name))
    if profile.unit_code not in man["recipients"]:
        raise _refused(path, _("it is addressed to other communes, not to {unit} ({code}).").format(
            unit=profile.unit_name, code=profile.unit_code))
    issuer_key = f"{issuer['province_code']}:{issuer.get('unit_code') or '-'}"
    issuer_name = _text(path, issuer, "name", _("The sender"), 120, required=False) or issuer["province_code"]
    return checked, issuer_key, issuer_name


def _plan(db, path: Path) -> SettingsPlan:
    checked, issuer_key, issuer_name = sender_of(db, path)
    man = checked.manifest.data
    accepted = trust.accept_settings_package(db, checked, issuer_key, issuer_name)
    serial = man["serial"]
    last = applied_packages(db).get(issuer_key)
    plan = SettingsPlan(path, checked.sha256, issuer_key, issuer_name, serial, man["created_at"], "", [], 0,
                        accepted=accepted)
    if last:
        if last["sha256"] == checked.sha256:
            plan.already_applied = True
            return plan
        if serial < int(last["serial"]):
            raise _refused(path, _("it is no. {serial}, older than no. {last} already applied here (sent {at}).").format(
                serial=serial, last=last["serial"], at=_day(last.get("created_at", ""))))
        if serial == int(last["serial"]):
            raise _refused(path, _("another package with the same number {serial} was already applied here.").format(
                serial=serial))
        if serial - int(last["serial"]) > MAX_SERIAL_JUMP:
            raise _refused(path, _("it is no. {serial}, more than {jump} after no. {last}, the last one applied here: "
                                   "packages are numbered one after another.").format(
                serial=fmt_int(serial), jump=fmt_int(MAX_SERIAL_JUMP), last=fmt_int(int(last["serial"]))))
    body = _read_body(path, checked)
    plan.note = body.get("note", "")
    profile = get_profile(db)
    with db.session() as session:
        _plan_catalogue(session, path, body.get("catalogue"), plan)
        indicators = set(session.scalars(select(Indicator.code)).all())
        indicators |= {c.key for c in plan.changes if c.kind == KIND_INDICATOR}
        _plan_targets(session, path, body.get("targets", []), profile, indicators, plan)
        _plan_holidays(session, path, body.get("holidays", []), plan)
    _plan_guides(db, path, body.get("guides", []), plan)
    return plan


def _read_body(path: Path, checked) -> dict:
    zf, member = checked.open_member(pkg.SETTINGS)
    with zf, member:
        raw = member.read(pkg.MAX_MANIFEST_BYTES * 16 + 1)
    if len(raw) > pkg.MAX_MANIFEST_BYTES * 16:
        raise _refused(path, _("settings.json is too large."))
    try:
        body = json.loads(raw.decode("utf-8"), object_pairs_hook=pkg.no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise _refused(path, _("settings.json is not valid JSON text.")) from None
    if not isinstance(body, dict):
        raise _refused(path, _("settings.json lacks required fields or has wrong values."))
    for key in ("targets", "guides", "holidays"):
        value = body.get(key, [])
        if not isinstance(value, list) or len(value) > MAX_ITEMS or not all(isinstance(v, dict) for v in value):
            raise _refused(path, _("settings.json: “{part}” is not a list of entries.").format(part=key))
    if body.get("catalogue") is not None and not isinstance(body["catalogue"], dict):
        raise _refused(path, _("settings.json: “{part}” is not a list of entries.").format(part="catalogue"))
    body["note"] = _text(path, body, "note", _("The note"), 500, required=False)
    return body


def _text(path: Path, entry: dict, key: str, what: str, max_length: int, required: bool = True,
          free_text: bool = True) -> str:
    """A text field: str, no control or direction-override characters, through the free-text filter (no ID
    numbers, OTPs; FREE_TEXT False for addresses, whose long digit runs are ids, not people), whitespace
    collapsed, within MAX_LENGTH."""
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise _refused(path, _("{what}: “{key}” must be text.").format(what=what, key=key))
    if find_unsafe_character(value):
        raise _refused(path, _("{what}: “{key}” contains invisible control characters.").format(what=what, key=key))
    value = " ".join(nfc(value).split())
    if (required and not value) or len(value) > max_length:
        raise _refused(path, _("{what}: “{key}” is empty or too long.").format(what=what, key=key))
    if not free_text:
        return value
    try:
        return clean_free_text(value, max_length)
    except UserError as exc:
        raise _refused(path, f"{what}: {exc.message}") from None


def _code(path: Path, entry: dict, key: str, what: str, chars: frozenset[str]) -> str:
    """A code as the catalogue writes them: services lower case (vneid), indicators upper case (VNEID)."""
    value = entry.get(key)
    if not isinstance(value, str) or not 1 <= len(value) <= 30 or not set(value) <= chars:
        raise _refused(path, _("{what}: the code “{value}” is not valid.").format(what=what, value=str(value)[:40]))
    return value


def _flag(path: Path, entry: dict, key: str, what: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise _refused(path, _("{what}: “{key}” must be true or false.").format(what=what, key=key))
    return value


def _int(path: Path, entry: dict, key: str, what: str, low: int, high: int) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _refused(path, _("{what}: “{key}” must be a whole number from {low} to {high}.").format(
            what=what, key=key, low=low, high=high))
    return value


def _plan_catalogue(session, path: Path, catalogue: dict | None, plan: SettingsPlan) -> None:
    if catalogue is None:
        return
    indicators = catalogue.get("indicators", [])
    services = catalogue.get("services", [])
    if not (isinstance(indicators, list) and isinstance(services, list)
            and all(isinstance(v, dict) for v in indicators + services)) or len(indicators) + len(services) > MAX_ITEMS:
        raise _refused(path, _("settings.json: “{part}” is not a list of entries.").format(part="catalogue"))
    known_indicators = {i.code: i for i in session.scalars(select(Indicator))}
    sent_indicators: set[str] = set()
    for entry in indicators:
        code = _code(path, entry, "code", _("Indicator"), INDICATOR_CODE)
        what = _("Indicator {code}").format(code=code)
        if code in sent_indicators:
            raise _refused(path, _("{what} appears twice.").format(what=what))
        sent_indicators.add(code)
        new = {"name_vi": _text(path, entry, "name_vi", what, 200), "name_en": _text(path, entry, "name_en", what, 200, False),
               "unit_vi": _text(path, entry, "unit_vi", what, 30), "unit_en": _text(path, entry, "unit_en", what, 30, False),
               "has_target": _flag(path, entry, "has_target", what, False),
               "sort_order": _int(path, entry, "sort_order", what, 0, 10_000),
               "active": _flag(path, entry, "active", what, True)}
        _compare(plan, KIND_INDICATOR, code, known_indicators.get(code), new, new["name_vi"])
    all_indicators = set(known_indicators) | sent_indicators
    known_services = {s.code: s for s in session.scalars(select(Service))}
    sent_services: set[str] = set()
    for entry in services:
        code = _code(path, entry, "code", _("Service"), SERVICE_CODE)
        what = _("Service {code}").format(code=code)
        if code in sent_services:
            raise _refused(path, _("{what} appears twice.").format(what=what))
        sent_services.add(code)
        indicator = _code(path, entry, "indicator_code", what, INDICATOR_CODE)
        if indicator not in all_indicators:
            raise _refused(path, _("{what} belongs to an unknown indicator “{indicator}”.").format(what=what, indicator=indicator))
        old = known_services.get(code)
        if old is not None and old.indicator_code != indicator and service_has_records(session, code):
            raise _refused(path, _("service {code} already has records here under indicator {old}; the package moves it "
                                   "to {new}, which would change past tallies. The province should give the new "
                                   "service a new code.").format(code=code, old=old.indicator_code, new=indicator))
        new = {"indicator_code": indicator, "name_vi": _text(path, entry, "name_vi", what, 200),
               "name_en": _text(path, entry, "name_en", what, 200, False), "short_vi": _text(path, entry, "short_vi", what, 60),
               "short_en": _text(path, entry, "short_en", what, 60, False), "icon": _text(path, entry, "icon", what, 40, False),
               "sort_order": _int(path, entry, "sort_order", what, 0, 10_000), "active": _flag(path, entry, "active", what, True)}
        _compare(plan, KIND_SERVICE, code, old, new, new["name_vi"])


def _compare(plan: SettingsPlan, kind: str, key: str, row, new: dict, name: str) -> None:
    if row is None:
        plan.changes.append(Change(kind, key, _("(new)"), name, new))
        return
    differs = [k for k, v in new.items() if getattr(row, k) != v]
    if not differs:
        plan.unchanged += 1
        return
    before = "; ".join(f"{_field_label(k)}: {_shown(getattr(row, k))}" for k in differs)
    after = "; ".join(f"{_field_label(k)}: {_shown(new[k])}" for k in differs)
    plan.changes.append(Change(kind, key, before, after, new))


def _field_label(key: str) -> str:
    return {"name_vi": _("name"), "name_en": _("English name"), "short_vi": _("short name"),
            "short_en": _("English short name"), "unit_vi": _("unit of count"), "unit_en": _("English unit of count"),
            "indicator_code": _("indicator"), "has_target": _("has a target"), "sort_order": _("order"),
            "active": _("in use"), "icon": _("icon")}.get(key, key)


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _plan_targets(session, path: Path, entries: list[dict], profile, indicators: set[str], plan: SettingsPlan) -> None:
    """Every entry is checked (the same package is valid or not for every recipient); only this commune's apply."""
    seen: set[tuple[str, str, str]] = set()
    for entry in entries:
        what = _("A target")
        unit = entry.get("unit_code")
        found = units.find_unit(unit) if isinstance(unit, str) else None
        if found is None or found.province_code != profile.province_code:
            raise _refused(path, _("a target is for “{code}”, which is not a commune of this province.").format(
                code=str(unit)[:40]))
        indicator = _code(path, entry, "indicator_code", what, INDICATOR_CODE)
        if indicator not in indicators:
            raise _refused(path, _("a target names an unknown indicator “{code}”.").format(code=indicator))
        key_text = entry.get("period")
        try:
            period = parse_period(key_text) if isinstance(key_text, str) else None
        except UserError:
            period = None
        if period is None:
            raise _refused(path, _("a target has a period that does not parse (“{value}”).").format(value=str(key_text)[:40]))
        value = _int(path, entry, "value", _("Target {indicator} {period}").format(indicator=indicator, period=period.key),
                     0, MAX_TARGET)
        if (unit, indicator, period.key) in seen:
            raise _refused(path, _("the target of {indicator} for {period} appears twice.").format(
                indicator=indicator, period=period.key))
        seen.add((unit, indicator, period.key))
        if unit != profile.unit_code:
            continue  # another recipient's target: checked, not ours to apply
        row = session.scalar(select(Target).where(Target.indicator_code == indicator, Target.period_key == period.key,
                                                  Target.unit_code.is_(None)))
        if row is not None and row.value == value:
            plan.unchanged += 1
            continue
        plan.changes.append(Change(KIND_TARGET, f"{indicator} · {period.key}", fmt_int(row.value) if row else _("(none)"),
                                   fmt_int(value), {"indicator_code": indicator, "period": period, "value": value}))


def _plan_holidays(session, path: Path, entries: list[dict], plan: SettingsPlan) -> None:
    seen: set[dt.date] = set()
    label = {"off": _("day off"), "working": _("working day")}
    for entry in entries:
        raw = entry.get("date")
        try:
            day = dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 and raw[4] == "-" else None
        except ValueError:
            day = None
        if day is None or not FIRST_DAY <= day <= LAST_DAY:
            raise _refused(path, _("a calendar day has a date that does not parse (“{value}”).").format(value=str(raw)[:40]))
        kind = entry.get("kind")
        if kind not in ("off", "working"):
            raise _refused(path, _("the calendar day {date} is neither a day off nor a working day.").format(date=raw))
        name = _text(path, entry, "name", _("The calendar day {date}").format(date=raw), 200, required=False)
        if not name:
            raise _refused(path, _("the calendar day {date} has no name.").format(date=raw))
        if day in seen:
            raise _refused(path, _("the calendar day {date} appears twice.").format(date=raw))
        seen.add(day)
        row = session.get(HolidayOverride, day)
        if row is not None and row.kind == kind and row.name == name:
            plan.unchanged += 1
            continue
        before = f"{label[row.kind]}: {row.name}" if row else _("(as the national calendar)")
        plan.changes.append(Change(KIND_HOLIDAY, day.strftime("%d/%m/%Y"), before, f"{label[kind]}: {name}",
                                   {"date": day, "kind": kind, "name": name,
                                    "before": {"kind": row.kind, "name": row.name} if row else None}))


def _guide_from_entry(path: Path, entry: dict, code: str, domains) -> Guide:
    """The guide of a package entry, every field checked for its exact type and through the guide editor's rules."""
    what = _("Guide {code}").format(code=code)

    def text_list(key: str, required: bool) -> list[str]:
        value = entry.get(key, [])
        if not isinstance(value, list) or (required and not value) or len(value) > 20:
            raise _refused(path, _("{what}: “{key}” is not a list of entries.").format(what=what, key=key))
        return [_text(path, {key: v}, key, what, 300, required=False) for v in value]

    links = entry.get("links", [])
    if not isinstance(links, list) or len(links) > 10 or not all(isinstance(v, dict) for v in links):
        raise _refused(path, _("{what}: “{key}” is not a list of entries.").format(what=what, key="links"))
    data = {
        "code": code, "title_vi": _text(path, entry, "title_vi", what, 120),
        "title_en": _text(path, entry, "title_en", what, 120, required=False),
        "steps_vi": text_list("steps_vi", True), "steps_en": text_list("steps_en", False),
        "links": [{"label_vi": _text(path, link, "label_vi", what, 80),
                   "label_en": _text(path, link, "label_en", what, 80, required=False),
                   "url": _text(path, link, "url", what, 500, required=False, free_text=False),
                   "verified": _flag(path, link, "verified", what, False),
                   "evidence": _text(path, link, "evidence", what, 200, required=False)} for link in links],
        "note_vi": _text(path, entry, "note_vi", what, 200, required=False),
        "note_en": _text(path, entry, "note_en", what, 200, required=False),
        "hotline": _text(path, entry, "hotline", what, 20, required=False),
        "source": _text(path, entry, "source", what, 300, required=False),
        "verified_on": _text(path, entry, "verified_on", what, 20, required=False),
    }
    try:
        return validate_guide(Guide.from_json(data, overridden=True), domains)
    except UserError as exc:
        raise _refused(path, _("guide {code}: {reason}").format(code=code, reason=exc.message)) from None


def _guide_differences(old: Guide, new: Guide) -> tuple[str, str]:
    """What the preview shows of a replaced guide: only the parts that change, old and new."""
    parts = (
        (_("title"), lambda g: g.title_vi),
        (_("steps"), lambda g: " / ".join(g.steps_vi)),
        (_("links"), lambda g: ", ".join(link.url for link in g.links if link.url) or _("(no links)")),
        (_("hotline"), lambda g: g.hotline or "—"),
        (_("note"), lambda g: g.note_vi or "—"),
        (_("English text"), lambda g: " / ".join((g.title_en, *g.steps_en, g.note_en))),
    )
    changed = [(name, get(old), get(new)) for name, get in parts if get(old) != get(new)]
    if not changed:
        return _("local edit") if old.overridden else _("as shipped"), _("(source and date only)")
    where = _("local edit") if old.overridden else _("as shipped")
    return (f"{where} — " + "; ".join(f"{name}: {a}" for name, a, _b in changed),
            "; ".join(f"{name}: {b}" for name, _a, b in changed))


def _plan_guides(db, path: Path, entries: list[dict], plan: SettingsPlan) -> None:
    known = {g.code for g in default_guides()}
    current = {g.code: g for g in list_guides(db)}
    domains = allowed_domains(db)
    seen: set[str] = set()
    for entry in entries:
        code = entry.get("code")
        if not isinstance(code, str) or code not in known:
            raise _refused(path, _("a guide has an unknown code “{code}”.").format(code=str(code)[:40]))
        if code in seen:
            raise _refused(path, _("the guide {code} appears twice.").format(code=code))
        seen.add(code)
        guide = _guide_from_entry(path, entry, code, domains)
        default = default_guide(code)
        guide = replace(guide, source=guide.source or default.source, verified_on=guide.verified_on or default.verified_on)
        old = current[code]
        if old.to_json() == guide.to_json():
            plan.unchanged += 1
            continue
        before, after = _guide_differences(old, guide)
        plan.changes.append(Change(KIND_GUIDE, code, before, after,
                                   {"guide": guide, "before": old.to_json() if old.overridden else None}))


def _write_change(session, actor: Actor, change: Change) -> None:
    data = change.data
    if change.kind in (KIND_INDICATOR, KIND_SERVICE):  # added, or updated in place (never deleted)
        model = Indicator if change.kind == KIND_INDICATOR else Service
        row = session.get(model, change.key)
        if row is None:
            session.add(model(code=change.key, **data))
        else:
            for k, v in data.items():
                setattr(row, k, v)
        session.flush()  # an indicator exists before the services that name it
        audit.record(session, actor, f"catalogue.{change.kind}", change.kind, change.key, source="settings_package",
                     before=change.before, after=change.after)
    elif change.kind == KIND_TARGET:
        period: Period = data["period"]
        row = session.scalar(select(Target).where(Target.indicator_code == data["indicator_code"],
                                                  Target.period_key == period.key, Target.unit_code.is_(None)))
        before = row.value if row else None
        if row is None:
            session.add(Target(indicator_code=data["indicator_code"], period_key=period.key, period_start=period.start,
                               period_end=period.end, unit_code=None, value=data["value"], updated_at=clock.now(),
                               updated_by=actor.username))
        else:
            row.value, row.updated_at, row.updated_by = data["value"], clock.now(), actor.username
        audit.record(session, actor, "target.set", "target", f"{data['indicator_code']}/{period.key}", before=before,
                     after=data["value"], source="settings_package")
    elif change.kind == KIND_HOLIDAY:
        row = session.get(HolidayOverride, data["date"])
        if row is None:
            session.add(HolidayOverride(date=data["date"], kind=data["kind"], name=data["name"]))
        else:
            row.kind, row.name = data["kind"], data["name"]
        audit.record(session, actor, "holiday.set", "holiday_override", data["date"].isoformat(), kind=data["kind"],
                     name=data["name"], before=data["before"], source="settings_package")
    elif change.kind == KIND_GUIDE:
        guide: Guide = data["guide"]
        payload = json.dumps(guide.to_json(), ensure_ascii=False, sort_keys=True)
        row = session.get(GuideOverride, guide.code)
        if row is None:
            session.add(GuideOverride(guide_code=guide.code, data=payload, updated_at=clock.now(), updated_by=actor.username))
        else:
            row.data, row.updated_at, row.updated_by = payload, clock.now(), actor.username
        audit.record(session, actor, "guide.edit", "guide", guide.code, links=[link.url for link in guide.links],
                     before=data["before"], source="settings_package")  # a replaced local edit stays recoverable

