"""Layers: no Qt in the domain core or the reports; nothing generic like `ui` importable at top level."""

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(folder: Path):
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module:
                yield path, node.module


# The one door from the core to the GUI: the `gui` command starts it (lazily, inside the function).
ALLOWED = {("dxdesk/cli/core.py", "dxdesk.ui.app")}


@pytest.mark.parametrize("folder", ["dxdesk", "reports"])
def test_no_qt_outside_ui(folder):
    breaches = [f"{p.relative_to(ROOT)}: {m}" for p, m in imported_modules(ROOT / folder)
                if (m.split(".")[0] in {"PySide6", "shiboken6"} or m.startswith("dxdesk.ui"))
                and (str(p.relative_to(ROOT)), m) not in ALLOWED]
    assert breaches == []


def test_reports_do_not_import_the_ui_and_core_does_not_import_reports_widgets():
    breaches = [f"{p.relative_to(ROOT)}: {m}" for p, m in imported_modules(ROOT / "reports") if m.startswith("dxdesk.ui")]
    assert breaches == []


def test_only_the_dxdesk_namespace_is_installed():
    for generic in ("ui", "reports", "resources"):
        assert importlib.util.find_spec(generic) is None, generic
    assert importlib.util.find_spec("dxdesk.ui.main_window") is not None
    assert importlib.util.find_spec("dxdesk.reports") is not None


def test_importing_does_nothing():
    """No engine, application or settings object is created at import time."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import dxdesk.cli, dxdesk.db.engine, dxdesk.counting, sys;"
                          "print(any(m.startswith('PySide6') for m in sys.modules))"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
