"""Test helpers for signed packages: enrol one database's key in another through the real enrolment file, and
re-sign a package edited by a test with a key (an enrolled commune that sends bad data on purpose)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dxdesk.exchange import package as pkg
from dxdesk.exchange import signing, trust
from dxdesk.security.actor import cli_actor


def enrolment_file(source, folder: Path) -> Path:
    """SOURCE's enrolment file (as `keys export-enrolment` writes it) in FOLDER."""
    path = Path(folder) / f"enrol-{signing.own_key(source).fingerprint}.json"
    if not path.exists():
        trust.export_enrolment(source, cli_actor(), path)
    return path


def enrol_file(target, path: Path) -> None:
    """Enrol the key of enrolment file PATH in TARGET, confirming the fingerprint the file shows."""
    trust.enrol(target, cli_actor(), path, trust.read_enrolment(path).fingerprint)


def enrol(target, source, folder: Path) -> None:
    enrol_file(target, enrolment_file(source, folder))


def pin_sender(target, package: Path) -> None:
    """Pin the key that signed settings PACKAGE in TARGET (the fingerprint confirmed as shown)."""
    with zipfile.ZipFile(package) as zf:
        fingerprint = json.loads(zf.read(pkg.SIGNATURE))["fingerprint"]
    trust.pin(target, cli_actor(), package, fingerprint)


def private_bytes(db) -> bytes:
    return signing.private_key(db).private_bytes_raw()


def resign(path: Path, key: bytes | None, rotations: list | None = None) -> Path:
    """Write PATH's signature.json anew for its current manifest.json with KEY (raw private bytes); KEY None
    removes the signature (an unsigned package)."""
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != pkg.SIGNATURE}
    if key is not None:
        private = Ed25519PrivateKey.from_private_bytes(key)
        pub = signing.public_bytes(private)
        import base64

        files[pkg.SIGNATURE] = json.dumps({
            "format": "dxdesk-signature", "format_version": 1, "algorithm": "Ed25519", "public_key": pub.hex(),
            "fingerprint": signing.fingerprint(pub),
            "signature": base64.b64encode(private.sign(files[pkg.MANIFEST])).decode(), "rotations": rotations or [],
        }).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path
