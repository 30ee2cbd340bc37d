"""Settings keys are declared once (dxdesk/settings/store.py, with default and type); everywhere else reads and writes
through the declarations — no key written as a string, no QSettings opened outside dxdesk/ui/ui_settings.py."""

import ast
from pathlib import Path

import pytest

from dxdesk.settings import store as settings

ROOT = Path(__file__).resolve().parents[2]
DECLARED = ROOT / "dxdesk" / "settings" / "store.py"
UI_STORE = ROOT / "ui" / "ui_settings.py"


def breaches(source: str, name: str) -> list[str]:
    """What in SOURCE (a module named NAME) bypasses the declarations."""
    db_keys = {s.key for s in settings.SETTINGS}
    ui_keys = {s.key for s in settings.UI_SETTINGS}
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in db_keys:
            found.append(f"{name}:{node.lineno}: settings key {node.value!r} written as a string")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called == "QSettings":
            found.append(f"{name}:{node.lineno}: QSettings opened outside dxdesk.ui.ui_settings")
        if (called in {"value", "setValue", "remove", "contains"} and node.args
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in ui_keys):
            found.append(f"{name}:{node.lineno}: window setting {node.args[0].value!r} written as a string")
        if (called in {"get", "put"} and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == "settings" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)):
            found.append(f"{name}:{node.lineno}: settings.{called} with the key {node.args[1].value!r} as a string")
    return found


def test_keys_are_declared_once_with_a_default_of_their_type():
    keys = [s.key for s in settings.SETTINGS] + [s.key for s in settings.UI_SETTINGS]
    assert len(keys) == len(set(keys)), "a key declared twice"
    assert len(settings.SETTINGS) >= 15 and len(settings.UI_SETTINGS) >= 3
    for s in (*settings.SETTINGS, *settings.UI_SETTINGS):
        assert s.default is None or isinstance(s.default, s.type), s.key
        assert s.doc, s.key


def test_no_key_string_outside_the_declarations():
    found = []
    for folder in ("dxdesk", "ui", "reports"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path in (DECLARED, UI_STORE):
                continue
            found += breaches(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []


@pytest.mark.parametrize("source", [
    'settings.get(session, "privacy.retention_days", 90)',
    'x = {"key": "signing.fingerprint"}',
    'QSettings(path, QSettings.Format.IniFormat)',
    'store.value("journal/export_dir", "")',
    'settings.put(session, "some.new_key", 1)',
])
def test_the_check_catches_a_key_written_by_hand(source):
    assert breaches(source, "sample.py")


def test_a_missing_value_reads_as_a_fresh_default_and_a_wrong_type_is_refused(any_db):
    with any_db.write() as session:
        applied = settings.get(session, settings.PACKAGES_APPLIED)
        applied["82:-"] = {"serial": 1}  # a caller changes what it got…
        assert settings.get(session, settings.PACKAGES_APPLIED) == {}  # …and the default stays empty
        assert settings.get(session, settings.RETENTION_DAYS) == 90
        with pytest.raises(TypeError):
            settings.put(session, settings.RETENTION_DAYS, "90")
        settings.put(session, settings.RETENTION_DAYS, 120)
    with any_db.session() as session:
        assert settings.get(session, settings.RETENTION_DAYS) == 120
