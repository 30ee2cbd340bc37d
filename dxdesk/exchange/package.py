"""The exchange package: one .zip with manifest.json, records.csv, tally.xlsx (and personal.csv on request).

Reading a package is defensive: every check here runs before anything is written to a database, and any
failure refuses the whole package with one Vietnamese message (a UserError). See docs/exchange.md."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dxdesk.errors import UserError
from dxdesk.i18n import _

FORMAT_NAME = "dxdesk-export"
FORMAT_VERSION = 1
SETTINGS_FORMAT_NAME = "dxdesk-settings"  # the downward package (dxdesk/exchange/settings_package.py)
SETTINGS_FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.csv"
TALLY = "tally.xlsx"
PERSONAL = "personal.csv"
REPORT = "report.pdf"
SETTINGS = "settings.json"
SIGNATURE = "signature.json"  # the signer's public key and its Ed25519 signature of manifest.json's bytes
KNOWN_FILES = (RECORDS, TALLY, PERSONAL, REPORT)
SETTINGS_FILES = (SETTINGS,)
CSV_HEADER = ("record_uuid", "date", "time", "channel", "outcome", "service_code", "indicator_code", "count",
              "volunteer", "voided")

# Zip-bomb limits: a real package of a million records is ~120 MB of CSV that deflates ~6-10x.
MAX_TOTAL_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GiB for all entries together
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, per entry (ignored for entries under 64 KiB)
RATIO_FLOOR = 64 * 1024
MAX_ENTRIES = 16
_CHUNK = 1024 * 1024
ISAL_LEVEL = 2  # records.csv of an export by ISA-L (fast_deflate); the other members zlib level 1
_SHA = re.compile(r"^[0-9a-f]{64}$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Manifest:
    """What manifest.json says about the package."""

    data: dict

    @property
    def unit(self) -> dict:
        return self.data["unit"]

    @property
    def unit_code(self) -> str:
        return self.data["unit"]["unit_code"]

    @property
    def period_key(self) -> str:
        return self.data["period"]["key"]

    @property
    def record_count(self) -> int:
        return int(self.data["record_count"])

    @property
    def files(self) -> dict[str, str]:
        return self.data["files"]


@dataclass(frozen=True)
class Signer:
    """Who signed a package: the public key whose signature of manifest.json checked out, and the rotation
    certificates it carries (see dxdesk/exchange/signing.py). Whether this key may speak for the unit is decided by
    dxdesk/exchange/trust.py."""

    public_key: bytes
    fingerprint: str
    rotations: list


@dataclass
class CheckedPackage:
    """A package whose structure, manifest, hashes and signature (if any) passed; `open_member` streams a
    checked file. SIGNER is None for an unsigned package (made by an older version, or forged)."""

    path: Path
    sha256: str
    manifest: Manifest
    sizes: dict[str, int] = field(default_factory=dict)
    signer: Signer | None = None

    def open_member(self, name: str):
        zf = zipfile.ZipFile(self.path)
        return zf, fast_inflate(zf.open(name))


def refuse(path: Path | str, reason: str) -> UserError:
    return UserError(_("Package {name} refused: {reason}").format(name=Path(path).name, reason=reason))


def _bad_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return True
    parts = PurePosixPath(name).parts
    return any(p in ("..", ".") for p in parts) or "\x00" in name


def check_package(path: Path, kind: str = FORMAT_NAME) -> CheckedPackage:
    """Open PATH and check it whole: zip structure, entry names, size limits, manifest, hashes.

    KIND is the format expected: the upward data package (FORMAT_NAME) or the downward settings package
    (SETTINGS_FORMAT_NAME). Raises a UserError naming the problem; reads (never extracts) the entries."""
    path = Path(path)
    if not path.is_file():
        raise refuse(path, _("the file does not exist (or is a folder)."))
    try:
        if not zipfile.is_zipfile(path):
            raise refuse(path, _("it is not a zip file made by dxdesk."))
        zf = zipfile.ZipFile(path)
    except OSError as exc:
        raise refuse(path, _("the file cannot be read ({error}).").format(error=exc.strerror or exc)) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise refuse(path, _("it holds too many files."))
        names = [i.filename for i in infos]
        for name in names:
            if _bad_name(name):
                raise refuse(path, _("it contains a file with an unsafe path ('{name}').").format(name=name))
        if len(set(names)) != len(names):
            raise refuse(path, _("it contains the same file twice."))
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise refuse(path, _("it contains an encrypted file."))
            total += info.file_size
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise refuse(path, _("'{name}' unpacks to far more than its size (zip bomb).").format(name=info.filename))
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise refuse(path, _("it unpacks to more than {limit} MB.").format(limit=MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)))
        if MANIFEST not in names:
            raise refuse(path, _("manifest.json is missing."))
        raw_manifest, data = _read_manifest(path, zf, kind)
        manifest = Manifest(data)
        listed = set(manifest.files)
        present = set(names) - {MANIFEST, SIGNATURE}
        if listed != present:
            missing = sorted(listed - present)
            extra = sorted(present - listed)
            if missing:
                raise refuse(path, _("files listed in the manifest are missing: {names}.").format(names=", ".join(missing)))
            raise refuse(path, _("files not listed in the manifest: {names}.").format(names=", ".join(extra)))
        required = RECORDS if kind == FORMAT_NAME else SETTINGS
        if required not in listed:
            raise refuse(path, _("{name} is missing.").format(name=required))
        sizes = {}
        for name in sorted(present):
            digest, size = _hash_member(path, zf, zf.getinfo(name))
            if digest != manifest.files[name]:
                raise refuse(path, _("'{name}' was changed after export (checksum mismatch).").format(name=name))
            sizes[name] = size
        signer = _check_signature(path, zf, raw_manifest) if SIGNATURE in names else None
    return CheckedPackage(path, sha256_file(path), manifest, sizes, signer)


def _check_signature(path: Path, zf: zipfile.ZipFile, manifest: bytes) -> Signer:
    """The signer of the package, once its signature of the manifest's exact bytes is verified."""
    from dxdesk.exchange import signing

    info = zf.getinfo(SIGNATURE)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise refuse(path, _("signature.json is too large."))
    try:
        data = json.loads(zf.read(info).decode("utf-8"), object_pairs_hook=no_duplicate_keys)
        _need(isinstance(data, dict) and data.get("format") == "dxdesk-signature" and data.get("algorithm") == "Ed25519")
        public_key = bytes.fromhex(data["public_key"])
        signature = base64.b64decode(data["signature"], validate=True)
        rotations = data.get("rotations", [])
        _need(len(public_key) == 32 and len(signature) == 64 and isinstance(rotations, list))
    except Exception:  # noqa: BLE001 - any decoding error means the same to the user
        raise refuse(path, _("signature.json is damaged or not a dxdesk signature.")) from None
    if not signing.verify(public_key, signature, manifest):
        raise refuse(path, _("its signature does not match its contents: the package was changed after it was "
                             "signed (or forged)."))
    return Signer(public_key, signing.fingerprint(public_key), rotations)


def fast_deflate(member) -> None:
    """Deflate MEMBER (a zip member just opened for writing, nothing written yet) by ISA-L when the `isal` package
    is installed: the same raw deflate stream that every unzip reads, in a quarter of the CPU time of zlib and
    smaller (records.csv of 1.000.000 records: 0,19 s and 36,8 MB at ISA-L level 2, against 0,82 s and 40,4 MB at
    zlib level 1). Otherwise zipfile's own zlib compressor, as before. zipfile computes the CRC on the bytes given,
    whichever compressor is used."""
    try:
        from isal import isal_zlib
    except ImportError:  # pragma: no cover - a dependency; zipfile's zlib still writes the same format
        return
    if getattr(member, "_compressor", None) is not None:  # zipfile's private name: checked, else left as is
        member._compressor = isal_zlib.compressobj(ISAL_LEVEL, isal_zlib.DEFLATED, -isal_zlib.MAX_WBITS)


def fast_inflate(member):
    """MEMBER (a zip member just opened for reading) inflated by ISA-L when the `isal` package is installed: the
    same bytes, in half the time of zlib (records.csv of 1.000.000 records, 126 MB: 0,16 s against 0,32 s; a
    package is inflated twice, to check its hashes and to import it). zipfile still checks the CRC. Otherwise, or
    for an entry that is not deflated, MEMBER as it is."""
    try:
        from isal import isal_zlib
    except ImportError:  # pragma: no cover - a dependency; zipfile's zlib reads the same format
        return member
    if member._compress_type == zipfile.ZIP_DEFLATED and getattr(member, "_decompressor", None) is not None:
        member._decompressor = isal_zlib.decompressobj(-isal_zlib.MAX_WBITS)  # zipfile's private names: checked
    return member


def _hash_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    """SHA-256 of an entry, counting the bytes really inflated (a forged header cannot lie about the size)."""
    digest, size = hashlib.sha256(), 0
    try:
        with fast_inflate(zf.open(info)) as fh:
            for block in iter(lambda: fh.read(_CHUNK), b""):
                size += len(block)
                if size > info.file_size or size > MAX_TOTAL_UNCOMPRESSED:
                    raise refuse(path, _("'{name}' unpacks to far more than its size (zip bomb).").format(name=info.filename))
                digest.update(block)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # zlib.error is caught by zipfile as BadZipFile
        raise refuse(path, _("the zip file is damaged ({error}).").format(error=exc)) from None
    except Exception as exc:  # noqa: BLE001 - zlib.error and NotImplementedError (unsupported compression)
        if isinstance(exc, UserError):
            raise
        raise refuse(path, _("the zip file is damaged ({error}).").format(error=type(exc).__name__)) from None
    return digest.hexdigest(), size


def _read_manifest(path: Path, zf: zipfile.ZipFile, kind: str) -> tuple[bytes, dict]:
    """The manifest's exact bytes (what the signature covers) and its checked content."""
    info = zf.getinfo(MANIFEST)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise refuse(path, _("manifest.json is too large."))
    try:
        raw = zf.read(info)
        if len(raw) > MAX_MANIFEST_BYTES:
            raise refuse(path, _("manifest.json is too large."))
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicate_keys)
    except UserError:
        raise
    except Exception:  # noqa: BLE001 - any decoding or zip error means the same to the user
        raise refuse(path, _("manifest.json is not valid JSON text.")) from None
    found = data.get("format") if isinstance(data, dict) else None
    if found != kind:
        if kind == FORMAT_NAME and found == SETTINGS_FORMAT_NAME:
            raise refuse(path, _("it is a settings package from the province, not a data package: apply it with "
                                 "“Receive a settings package” (dxdesk settings-package apply)."))
        if kind == SETTINGS_FORMAT_NAME and found == FORMAT_NAME:
            raise refuse(path, _("it is a data package from a commune, not a settings package: merge it with "
                                 "“Import packages” (dxdesk import)."))
        if kind == SETTINGS_FORMAT_NAME:
            raise refuse(path, _("it is not a dxdesk settings package (format name)."))
        raise refuse(path, _("it is not a dxdesk export package (format name)."))
    version = data.get("format_version")
    ours = FORMAT_VERSION if kind == FORMAT_NAME else SETTINGS_FORMAT_VERSION
    if type(version) is not int or version != ours:  # noqa: E721 - true and 1.0 are not version 1
        raise refuse(path, _("format version {version} is not supported (this program reads version {ours}).").format(
            version=version, ours=ours))
    try:
        if kind == FORMAT_NAME:
            _check_export_fields(data)
        else:
            _check_settings_fields(data)
        files = data["files"]
        _need(isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) and _SHA.match(v)
                                              for k, v in files.items()))
        _need(all(k in (KNOWN_FILES if kind == FORMAT_NAME else SETTINGS_FILES) for k in files))
    except (KeyError, TypeError, ValueError):
        raise refuse(path, _("manifest.json lacks required fields or has wrong values.")) from None
    return raw, data


class _Wrong(ValueError):
    """A manifest field is missing or has the wrong type or value."""


def _need(condition) -> None:
    if not condition:  # explicit checks, not assert: they must hold under python -O too
        raise _Wrong()


def no_duplicate_keys(pairs: list[tuple]) -> dict:
    """json object_pairs_hook: a key given twice is an error, not 'the last one wins'."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Wrong("duplicate key")
    return result


def _int(value) -> bool:
    return type(value) is int  # noqa: E721 - bool is not a count


def _check_export_fields(data: dict) -> None:
    unit = data["unit"]
    _need(isinstance(unit, dict) and isinstance(unit["unit_code"], str) and isinstance(unit["province_code"], str))
    period = data["period"]
    _need(isinstance(period, dict) and isinstance(period["key"], str))
    _need(isinstance(period["from"], str) and isinstance(period["to"], str))
    _need(_int(data["record_count"]) and data["record_count"] >= 0)


MAX_SERIAL = 1_000_000


def _check_settings_fields(data: dict) -> None:
    issuer = data["issuer"]
    _need(isinstance(issuer, dict) and isinstance(issuer["province_code"], str))
    _need(issuer.get("unit_code") is None or isinstance(issuer["unit_code"], str))
    _need(isinstance(issuer.get("name", ""), str) and len(issuer.get("name", "")) <= 200)
    recipients = data["recipients"]
    _need(isinstance(recipients, list) and recipients and all(isinstance(c, str) for c in recipients))
    _need(_int(data["serial"]) and 1 <= data["serial"] <= MAX_SERIAL)
    created = data["created_at"]
    _need(isinstance(created, str) and len(created) <= 40)
    dt.datetime.fromisoformat(created)  # ValueError when it is not a date and time
