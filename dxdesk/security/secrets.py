"""Secrets live only in the OS keyring (Windows Credential Manager, Secret Service…), never in files.

Where no secure backend exists (fail/null/plaintext backends), nothing is stored: callers get a UserError
with a plain explanation and disable what needs the secret; the rest of the app works.

keyring is imported on first use, not with this module: importing it scans every installed package's entry points
for back-ends (a tenth of a second), which the start-up of the window must not pay (issue #16)."""

from __future__ import annotations

import logging

from dxdesk.errors import UserError
from dxdesk.i18n import _

log = logging.getLogger(__name__)
SERVICE = "dxdesk"
_INSECURE = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def _backend_names(backend) -> list[str]:
    inner = getattr(backend, "backends", None)
    if inner:  # ChainerBackend: secure only if one of its members is
        return [type(b).__module__ for b in inner]
    return [type(backend).__module__]


def keyring_is_secure() -> bool:
    import keyring

    backend = keyring.get_keyring()
    return any(not name.startswith(_INSECURE) for name in _backend_names(backend))


def _unavailable() -> UserError:
    return UserError(
        _("No secure password store (keyring) is available on this computer, so this feature is turned off. "
          "On Windows it uses the Credential Manager; on Linux install and unlock GNOME Keyring or KWallet.")
    )


def get_secret(name: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    if not keyring_is_secure():
        raise _unavailable()
    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError as exc:
        log.warning("keyring read failed for %s: %s", name, type(exc).__name__)
        raise _unavailable() from None


def set_secret(name: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    if not keyring_is_secure():
        raise _unavailable()
    try:
        keyring.set_password(SERVICE, name, value)
    except KeyringError as exc:
        log.warning("keyring write failed for %s: %s", name, type(exc).__name__)
        raise _unavailable() from None


def delete_secret(name: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        log.warning("keyring delete failed for %s: %s", name, type(exc).__name__)
        raise _unavailable() from None
