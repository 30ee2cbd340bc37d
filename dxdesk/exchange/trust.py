"""Which signing keys this database trusts, and for whom (docs/exchange.md, "Keys and enrolment").

Upward: a commune makes an enrolment file (its unit, its public key, signed with that key); the province
(or, for its counters, a ward) enrols it after comparing the fingerprint read over the phone. From then on a
data package is imported only when it is signed by a key enrolled for the very unit it claims.
Downward: the first settings package a commune applies shows the sender's fingerprint; once confirmed, that key
is pinned, and a package signed by any other key is refused until an administrator re-pins (audited).
Rotation: a package signed by a new key that carries a certificate chain from the trusted key (dxdesk/exchange/signing.py)
is accepted, and the new key replaces the old one here (audited). A lost key means enrolling again."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from dxdesk import clock
from dxdesk.db.models import TrustedKey
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange import signing
from dxdesk.i18n import _
from dxdesk.paths import replaced_when_done
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import units
from dxdesk.settings.profile import get_profile

UNIT, ISSUER = "unit", "issuer"
ENROLMENT_FORMAT = "dxdesk-enrolment"
MAX_ENROLMENT_BYTES = 64 * 1024


class NotPinned(UserError):
    """A settings package from a sender whose key is not pinned here yet: FINGERPRINT is what to confirm."""

    def __init__(self, message: str, fingerprint: str, issuer_key: str, issuer_name: str):
        super().__init__(message)
        self.fingerprint, self.issuer_key, self.issuer_name = fingerprint, issuer_key, issuer_name


class Unsigned(UserError):
    """A data package without a signature: only an administrator may accept it (allow_unsigned, audited)."""


@dataclass(frozen=True)
class Enrolment:
    """UNIT_CODE None: a province database's key, which speaks for every commune of its province (the
    packages it re-exports for one commune, e.g. to a restored province database)."""

    path: Path
    province_code: str
    unit_code: str | None
    unit_name: str
    public_key: bytes
    fingerprint: str

    @property
    def subject(self) -> str:
        return self.unit_code or province_subject(self.province_code)


def province_subject(province_code: str) -> str:
    return f"province:{province_code}"


@dataclass(frozen=True)
class Accepted:
    """The key that vouched for a package, and what to record when the package is stored."""

    key_id: int | None  # None: an unsigned package accepted by an administrator
    fingerprint: str
    rotated_from: int | None = None  # the trusted key a rotation certificate replaces
    public_key: bytes = b""


# --- enrolment files -----------------------------------------------------------------------------------------


def _enrolment_bytes(body: dict) -> bytes:
    return b"dxdesk enrolment v1\n" + json.dumps(body, sort_keys=True, ensure_ascii=False).encode()


def export_enrolment(db, actor: Actor, out: Path) -> Enrolment:
    """Write this commune's enrolment file (unit, public key, signed with the key: proof it holds it)."""
    require(actor, "keys.manage")
    profile = get_profile(db)
    if profile is None:
        raise UserError(_("Set the unit first (dxdesk init): the enrolment file names who sends the packages."))
    out = Path(out)
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    key = signing.private_key(db)
    pub = signing.public_bytes(key)
    body = {"format": ENROLMENT_FORMAT, "format_version": 1, "province_code": profile.province_code,
            "unit_code": profile.unit_code, "unit_name": profile.unit_name or profile.province_name,
            "public_key": pub.hex(),
            "created_at": clock.now().isoformat(timespec="seconds")}
    data = dict(body, fingerprint=signing.fingerprint(pub),
                signature=base64.b64encode(key.sign(_enrolment_bytes(body))).decode())
    try:
        with replaced_when_done(out) as part:
            part.write_bytes(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as exc:
        raise UserError(_("Cannot write {file}: {error}.").format(file=out, error=exc.strerror or exc)) from None
    with db.write() as session:
        audit.record(session, actor, "keys.export_enrolment", "signing_key", signing.fingerprint(pub), file=out.name)
    signing.note_signed(db)
    return Enrolment(out, profile.province_code, profile.unit_code, profile.unit_name or profile.province_name, pub,
                     signing.fingerprint(pub))


def read_enrolment(path: Path) -> Enrolment:
    """Check an enrolment file: its format, its unit in the official list, its self-signature."""
    path = Path(path)

    def bad(reason: str) -> UserError:
        return UserError(_("Enrolment file {name} refused: {reason}").format(name=path.name, reason=reason))

    try:
        raw = path.read_bytes()[:MAX_ENROLMENT_BYTES + 1]
    except OSError as exc:
        raise bad(_("the file cannot be read ({error}).").format(error=exc.strerror or exc)) from None
    try:
        if len(raw) > MAX_ENROLMENT_BYTES:
            raise ValueError
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=pkg.no_duplicate_keys)
        body = {k: data[k] for k in ("format", "format_version", "province_code", "unit_code", "unit_name",
                                      "public_key", "created_at")}
        if body["format"] != ENROLMENT_FORMAT or body["format_version"] != 1:
            raise ValueError
        public_key = bytes.fromhex(body["public_key"])
        signature = base64.b64decode(data["signature"], validate=True)
        if len(public_key) != 32 or not isinstance(body["province_code"], str) or not (
                body["unit_code"] is None or isinstance(body["unit_code"], str)):
            raise ValueError
    except Exception:  # noqa: BLE001 - any decoding error means the same to the user
        raise bad(_("it is not a dxdesk enrolment file.")) from None
    if not signing.verify(public_key, signature, _enrolment_bytes(body)):
        raise bad(_("its signature does not match its contents (changed or forged)."))
    if body["unit_code"] is None:  # a province database's key
        name = units.provinces().get(body["province_code"])
        if name is None:
            raise bad(_("province code '{code}' is not in the official list (QĐ 19/2025).").format(
                code=body["province_code"][:4]))
        return Enrolment(path, body["province_code"], None, name, public_key, signing.fingerprint(public_key))
    entry = units.find_unit(body["unit_code"])
    if entry is None:
        raise bad(_("commune code '{code}' is not in the official list (QĐ 19/2025).").format(code=body["unit_code"][:10]))
    if entry.province_code != body["province_code"]:
        raise bad(_("commune {code} ({name}) belongs to province {real}, not to province {claimed}.").format(
            code=entry.unit_code, name=entry.unit_name, real=entry.province_code, claimed=body["province_code"][:4]))
    return Enrolment(path, entry.province_code, entry.unit_code, entry.unit_name, public_key,
                     signing.fingerprint(public_key))


def _active(session, purpose: str, subject: str | None = None, public_key: bytes | None = None) -> list[TrustedKey]:
    query = select(TrustedKey).where(TrustedKey.purpose == purpose, TrustedKey.retired_at.is_(None))
    if subject is not None:
        query = query.where(TrustedKey.subject == subject)
    if public_key is not None:
        query = query.where(TrustedKey.public_key == public_key.hex())
    return list(session.scalars(query.order_by(TrustedKey.id)))


def check_fingerprint(expected: str, typed: str) -> None:
    """The fingerprint the user confirmed (read over the phone) must be the key's; nothing is trusted otherwise."""
    if signing.normal_fingerprint(typed) != expected:
        raise UserError(_("The fingerprint you typed ({typed}) is not this key's ({real}): nothing was trusted. Ask "
                          "the sender to read their fingerprint again.").format(typed=typed.strip()[:30] or "—",
                                                                                  real=expected))


def enrol(db, actor: Actor, path: Path, confirmed_fingerprint: str, replace: bool = False) -> Enrolment:
    """Trust the key of enrolment file PATH for its unit, after the user confirmed its fingerprint.

    A province database enrols communes of its province; a commune (ward) database only its own counters.
    REPLACE retires the keys enrolled for that unit before (a lost key, a reinstalled PC)."""
    require(actor, "keys.manage")
    enrolment = read_enrolment(path)
    check_fingerprint(enrolment.fingerprint, confirmed_fingerprint)
    if enrolment.unit_code is None:
        profile = get_profile(db)
        if profile is None or profile.unit_code is not None or profile.province_code != enrolment.province_code:
            raise UserError(_("The key of {province} can be enrolled only in a province database of {province}.").format(
                province=enrolment.unit_name))
    else:
        _check_unit_here(db, enrolment.unit_code, enrolment.unit_name, enrolment.province_code)
    if public_key_is_own(db, enrolment.public_key):
        raise UserError(_("This is this database's own key: nothing to enrol."))
    now = clock.now()
    with db.write() as session:
        if _active(session, UNIT, enrolment.subject, enrolment.public_key):
            raise UserError(_("This key is already enrolled for {unit}: nothing to do.").format(unit=enrolment.unit_name))
        elsewhere = _active(session, UNIT, public_key=enrolment.public_key)
        if elsewhere:
            raise UserError(_("This key is already enrolled for unit {code}: one key speaks for one unit.").format(
                code=elsewhere[0].subject))
        retired = []
        if replace:
            for row in _active(session, UNIT, enrolment.subject):
                row.retired_at, row.retired_by = now, actor.username
                retired.append(row.fingerprint)
        session.add(TrustedKey(purpose=UNIT, subject=enrolment.subject, name=enrolment.unit_name,
                               public_key=enrolment.public_key.hex(), fingerprint=enrolment.fingerprint, how="enrolled",
                               added_at=now, added_by=actor.username, last_package=""))
        audit.record(session, actor, "keys.enrol", "unit", enrolment.subject, fingerprint=enrolment.fingerprint,
                     file=Path(path).name, retired=retired)
    return enrolment


def _check_unit_here(db, unit_code: str, unit_name: str, province_code: str) -> None:
    """UNIT_CODE may send packages to this database: a commune of its province (a province database), or its
    own unit (a commune or ward database, whose counters export under its code). The one rule of 'belongs
    here', for enrolment and import alike; raises a UserError without the 'package refused' prefix."""
    profile = get_profile(db)
    if profile is None:
        raise UserError(_("set the unit of this database first (dxdesk init or Settings)."))
    if profile.unit_code is not None:
        if unit_code != profile.unit_code:
            raise UserError(_("it is from {name} ({code}); this database of {unit} takes packages only from its own "
                              "counters.").format(name=unit_name, code=unit_code, unit=profile.unit_name))
    elif province_code != profile.province_code:
        raise UserError(_("{name} ({code}) is in province {other}, not in {province}.").format(
            name=unit_name, code=unit_code, other=units.provinces().get(province_code, province_code),
            province=profile.province_name))


def unit_belongs_here(db, unit_code: str, unit_name: str, province_code: str) -> str | None:
    """Why UNIT_CODE may not send packages here (a sentence for 'package refused: …'), or None."""
    try:
        _check_unit_here(db, unit_code, unit_name, province_code)
    except UserError as exc:
        return exc.message
    return None


def public_key_is_own(db, public_key: bytes) -> bool:
    return signing.is_own(db, public_key)


# --- checking a package's signer -----------------------------------------------------------------------------


def accept_data_package(db, actor: Actor, checked: pkg.CheckedPackage, unit_code: str, unit_name: str,
                        allow_unsigned: bool = False) -> Accepted:
    """The enrolled key that vouches for CHECKED (a data package claiming UNIT_CODE), or a refusal naming why."""
    path, signer = checked.path, checked.signer
    if signer is None:
        if not allow_unsigned:
            raise Unsigned(pkg.refuse(path, _("it is not signed (made by an older version, or forged). An "
                                              "administrator may accept it with --allow-unsigned after checking where "
                                              "it came from.")).message)
        require(actor, "keys.manage")
        return Accepted(None, "")
    if public_key_is_own(db, signer.public_key):  # this database's own re-export of a commune, coming back
        return Accepted(None, signer.fingerprint)
    province = province_subject(units.find_unit(unit_code).province_code)
    with db.session() as session:
        mine = _active(session, UNIT, unit_code, signer.public_key) or _active(session, UNIT, province, signer.public_key)
        if mine:
            return Accepted(mine[0].id, signer.fingerprint)
        other = _active(session, UNIT, public_key=signer.public_key)
        if other:
            raise pkg.refuse(path, _("it claims {name} ({code}) but is signed with the key enrolled for {other} ({ocode})."
                                     ).format(name=unit_name, code=unit_code, other=other[0].name,
                                              ocode=other[0].subject))
        enrolled = _active(session, UNIT, unit_code)
    for row in enrolled:
        if signing.follows(bytes.fromhex(row.public_key), signer.rotations, signer.public_key):
            return Accepted(None, signer.fingerprint, rotated_from=row.id, public_key=signer.public_key)
    if enrolled:
        raise pkg.refuse(path, _("it is signed with key {fp}, which is not the key enrolled for {name} ({code}): "
                                 "{known}. If the commune has a new computer, enrol it again.").format(
            fp=signer.fingerprint, name=unit_name, code=unit_code, known=", ".join(r.fingerprint for r in enrolled)))
    raise pkg.refuse(path, _("it is signed with key {fp}, which is not enrolled here: {name} ({code}) must send its "
                             "enrolment file first (dxdesk keys export-enrolment).").format(
        fp=signer.fingerprint, name=unit_name, code=unit_code))


def record_received(session, actor: Actor, accepted: Accepted, purpose: str, subject: str, name: str,
                    file_name: str) -> None:
    """In the transaction that stores a package: note it on its key (last package received), and carry out an
    accepted rotation (the old key retired, the new one trusted), audited."""
    now = clock.now()
    key_id = accepted.key_id
    if accepted.rotated_from is not None:
        old = session.get(TrustedKey, accepted.rotated_from)
        old.retired_at, old.retired_by = now, actor.username
        row = TrustedKey(purpose=purpose, subject=subject, name=name, public_key=accepted.public_key.hex(),
                         fingerprint=accepted.fingerprint, how="rotated", added_at=now, added_by=actor.username,
                         last_package="")
        session.add(row)
        session.flush()
        key_id = row.id
        audit.record(session, actor, "keys.rotated", purpose, subject, old=old.fingerprint, new=accepted.fingerprint,
                     file=file_name)
    if key_id is not None:
        row = session.get(TrustedKey, key_id)
        row.last_package_at, row.last_package = now, file_name[:200]


def accept_settings_package(db, checked: pkg.CheckedPackage, issuer_key: str, issuer_name: str) -> Accepted:
    """The pinned key of ISSUER_KEY that vouches for CHECKED (a settings package), or a refusal. Not pinned yet:
    NotPinned, whose fingerprint the user confirms before `pin`."""
    path, signer = checked.path, checked.signer
    if signer is None:
        raise pkg.refuse(path, _("it is not signed: a settings package is applied only when signed by the "
                                 "province's pinned key."))
    if public_key_is_own(db, signer.public_key):  # a ward's package applied to its own database
        return Accepted(None, signer.fingerprint)
    with db.session() as session:
        pinned = _active(session, ISSUER, issuer_key)
    for row in pinned:
        if row.public_key == signer.public_key.hex():
            return Accepted(row.id, signer.fingerprint)
    for row in pinned:
        if signing.follows(bytes.fromhex(row.public_key), signer.rotations, signer.public_key):
            return Accepted(None, signer.fingerprint, rotated_from=row.id, public_key=signer.public_key)
    if pinned:
        raise pkg.refuse(path, _("it is signed with key {fp}, not with the pinned key of {issuer} ({pinned}). If the "
                                 "province really changed its key, an administrator re-pins it after checking the "
                                 "fingerprint by phone (dxdesk keys pin FILE --fingerprint CODE --replace).").format(
            fp=signer.fingerprint, issuer=issuer_name, pinned=pinned[0].fingerprint))
    raise NotPinned(pkg.refuse(path, _("this is the first package from {issuer}: check its key's fingerprint {fp} with "
                                       "the province by phone, then pin it (dxdesk keys pin FILE --fingerprint {fp})."
                                       ).format(issuer=issuer_name, fp=signer.fingerprint)).message,
                    signer.fingerprint, issuer_key, issuer_name)


def pin(db, actor: Actor, path: Path, confirmed_fingerprint: str, replace: bool = False) -> str:
    """Pin the key that signed settings package PATH for its sender, after the user confirmed its fingerprint.
    Replacing a pinned key is for an administrator (REPLACE), audited. Returns the fingerprint."""
    from dxdesk.exchange.settings_package import sender_of

    require(actor, "settings.receive")
    checked, issuer_key, issuer_name = sender_of(db, Path(path))
    signer = checked.signer
    if signer is None:
        raise pkg.refuse(path, _("it is not signed: there is no key to pin."))
    check_fingerprint(signer.fingerprint, confirmed_fingerprint)
    now = clock.now()
    with db.write() as session:
        pinned = _active(session, ISSUER, issuer_key)
        if any(r.public_key == signer.public_key.hex() for r in pinned):
            raise UserError(_("The key {fp} of {issuer} is already pinned: nothing to do.").format(
                fp=signer.fingerprint, issuer=issuer_name))
        if pinned:
            if not replace:
                raise UserError(_("{issuer} already has a pinned key ({old}). Replacing it is for an administrator: "
                                  "add --replace.").format(issuer=issuer_name, old=pinned[0].fingerprint))
            require(actor, "keys.manage")
            for row in pinned:
                row.retired_at, row.retired_by = now, actor.username
        session.add(TrustedKey(purpose=ISSUER, subject=issuer_key, name=issuer_name[:200],
                               public_key=signer.public_key.hex(), fingerprint=signer.fingerprint,
                               how="pinned", added_at=now, added_by=actor.username, last_package=""))
        audit.record(session, actor, "keys.repin" if pinned else "keys.pin", "issuer", issuer_key,
                     fingerprint=signer.fingerprint, old=[r.fingerprint for r in pinned], file=Path(path).name)
    return signer.fingerprint


# --- what the screens list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustedView:
    purpose: str
    subject: str
    name: str
    fingerprint: str
    how: str
    added_at: dt.datetime
    added_by: str
    last_package_at: dt.datetime | None
    last_package: str


def trusted_keys(db, purpose: str | None = None) -> list[TrustedView]:
    """The keys trusted now (enrolled units and pinned senders), by subject."""
    with db.session() as session:
        query = select(TrustedKey).where(TrustedKey.retired_at.is_(None))
        if purpose:
            query = query.where(TrustedKey.purpose == purpose)
        rows = session.scalars(query.order_by(TrustedKey.purpose, TrustedKey.subject, TrustedKey.id)).all()
        return [TrustedView(r.purpose, r.subject, r.name, r.fingerprint, r.how, r.added_at, r.added_by,
                            r.last_package_at, r.last_package) for r in rows]
