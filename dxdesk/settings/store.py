"""Every setting dxdesk keeps, declared once with its default and type (read and written only through these
declarations; tests/unit/test_settings_keys.py fails on a key string written anywhere else).

Two stores:
- `Setting`: shared business settings in the database's `settings` table (JSON values; the unit profile lives
  in its own table). Read with `get(session, KEY)`, written with `put(session, KEY, value)`.
- `UiSetting`: this PC's window preferences in the ini file `paths.ui_settings` (read and written by
  `dxdesk.ui.ui_settings`, the only place that opens a QSettings).

A missing value reads as the declared default (a fresh copy: callers may change what they get); a value of the
wrong type is refused on write."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the GUI reads its UiSettings (the language) before the database layer loads (issue #16)
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Setting:
    """A key of the database's settings table."""

    key: str
    default: Any
    type: type | tuple[type, ...]
    doc: str


@dataclass(frozen=True)
class UiSetting:
    """A key of this PC's window settings (the ini file)."""

    key: str
    default: Any
    type: type
    doc: str


# --- the database's settings table ----------------------------------------------------------------------------
DB_UUID = Setting("db_uuid", None, str, "a stable random id of this database; names its key in the keyring")
RETENTION_DAYS = Setting("privacy.retention_days", 90, int,
                         "days after the end of the reporting quarter that citizens' contact data is kept")
LAST_AUTO_PURGE = Setting("privacy.last_auto_purge", None, str, "ISO day the automatic purge last ran")
GUIDE_LINK_DOMAINS = Setting("guides.link_domains", [], list,
                             "hosts an administrator added to the shipped allow-list of guide links")
KEY_CHECK = Setting("fieldcrypt.key_check", None, str,
                    "HMAC of a fixed text under the field key: proves a recovery code belongs here")
UPLOAD_ENDPOINT = Setting("upload.endpoint", None, str, "the province server's upload address")
PACKAGE_SERIAL = Setting("settings_package.serial", 0, int, "the issuer's counter of settings packages")
PACKAGES_APPLIED = Setting("settings_package.applied", {}, dict,
                           "issuer key -> {serial, sha256, created_at, applied_at} of the last package applied")
REPORT_TALLY = Setting("report.tally", {}, dict, "the tally report's signer and recipients")
REPORT_TALLY_DOAN = Setting("report.tally.doan", {}, dict, "the same for the Youth Union (Đoàn) report")
SIGNING_GENERATION = Setting("signing.generation", 0, int,
                             "which key generation signs now (0 until the first rotation)")
SIGNING_FINGERPRINT = Setting("signing.fingerprint", None, str, "this database's fingerprint once it signed")
SIGNING_ROTATIONS = Setting("signing.rotations", [], list,
                            "certificates: each new public key signed by the old one (public data)")
SHIFT_RULE = Setting("shift_rule", {"weekdays": "mon,fri", "sessions": [["07:30", "11:30"], ["13:30", "17:00"]],
                                    "min": 2, "max": 4}, dict,
                     "weekdays, sessions and team size of the counter's shifts (a stored rule fills in over this)")
SHIFT_SKILLS = Setting("shift_skills", {}, dict, "reception point id ('' = the counter) -> skills a shift needs")
TALLY_CHECKED_ON = Setting("tally.checked_on", "", str, "ISO day the background tally check last ran")

# --- this PC's window settings (ini file) ----------------------------------------------------------------------
LANGUAGE = UiSetting("language", "", str, "the language chosen in Settings ('' = the system's)")
REPORTS_SAVE_DIR = UiSetting("reports/save_dir", "", str, "the folder a report was last saved to")
JOURNAL_EXPORT_DIR = UiSetting("journal/export_dir", "", str, "the folder the journal was last exported to")

SETTINGS: tuple[Setting, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Setting))
UI_SETTINGS: tuple[UiSetting, ...] = tuple(v for v in list(globals().values()) if isinstance(v, UiSetting))


def get(session: Session, setting: Setting) -> Any:
    """SETTING's stored value, or (a copy of) its default."""
    from dxdesk.db.models import Setting as _Row

    row = session.get(_Row, setting.key)
    return json.loads(row.value) if row else copy.deepcopy(setting.default)


def put(session: Session, setting: Setting, value: Any) -> None:
    """Store VALUE (JSON) under SETTING; a value of another type is a programming error."""
    if not isinstance(value, setting.type) or isinstance(value, bool) and setting.type is int:
        raise TypeError(f"setting {setting.key}: {type(value).__name__} is not {setting.type}")
    from dxdesk.db.models import Setting as _Row

    row = session.get(_Row, setting.key)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if row:
        row.value = text
    else:
        session.add(_Row(key=setting.key, value=text))
