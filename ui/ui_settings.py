"""This PC's window preferences (the ini file `paths.ui_settings`): the only place that opens a QSettings. Keys,
defaults and types are declared in `dxdesk.settings.store` (UiSetting)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from dxdesk.settings.store import UiSetting


def _store(paths) -> QSettings:
    return QSettings(str(paths.ui_settings), QSettings.Format.IniFormat)


def value(paths, setting: UiSetting):
    """SETTING as stored on this PC, or its default when missing or of another type (a hand-edited file)."""
    stored = _store(paths).value(setting.key, setting.default)
    return stored if isinstance(stored, setting.type) else setting.default


def set_value(paths, setting: UiSetting, new) -> None:
    if not isinstance(new, setting.type):
        raise TypeError(f"window setting {setting.key}: {type(new).__name__} is not {setting.type.__name__}")
    store = _store(paths)
    store.setValue(setting.key, new)
    store.sync()
