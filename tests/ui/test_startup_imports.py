"""Start-up loads only what the first window needs (issue #16): the real entry point `dxdesk --home H gui`, in a fresh
process, on a database already at the newest schema. A splash is on screen while the database opens. When the event
loop is about to start (the main window shown), none of the renderers (reportlab, qrcode), the XLSX/DOCX writers,
Alembic, keyring or the chart and print modules of Qt are loaded, and only the Counter page is built. The command
line's help and `log` load no renderer either.

Each check runs in its own process: in the test process these modules are long loaded by other tests."""

import json
import os
import subprocess
import sys

import pytest

# Loaded before the first window only if something there needs them, which nothing should.
NOT_AT_START = ("reportlab", "qrcode", "openpyxl", "docx", "alembic", "keyring", "icalendar", "PIL")
QT_NOT_AT_START = ("PySide6.QtCharts", "PySide6.QtPrintSupport", "PySide6.QtPdf")

_GUI_PROBE = r"""
import json, sys
from PySide6.QtWidgets import QApplication, QMainWindow
from dxdesk.db import engine

_open_database = engine.open_database
shown_while_opening = []

def _visible():
    return sorted(w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible())

def _opening(*args, **kwargs):
    shown_while_opening.extend(_visible())
    return _open_database(*args, **kwargs)

engine.open_database = _opening

def _at_event_loop(*args):
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    print(json.dumps({"modules": sorted(sys.modules), "title": windows[0].windowTitle() if windows else None,
                      "pages": sorted(windows[0].pages) if windows else None,
                      "shown_while_opening": shown_while_opening, "shown_at_start": _visible()}))
    for window in windows:
        window.close()  # waits for the pages' background work
    return 0

QApplication.exec = staticmethod(_at_event_loop)
from dxdesk.cli import main
sys.exit(main(["--home", sys.argv[1], "gui"]))
"""

_CLI_PROBE = r"""
import json, sys
from dxdesk.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}


def _loaded(modules: list[str], names) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A data folder with a demo database at the newest schema (it opens signed in: no dialog to wait for)."""
    home = tmp_path_factory.mktemp("startup") / "home"
    subprocess.run([sys.executable, "-m", "dxdesk", "--home", str(home), "demo", "--records", "300"],
                   check=True, capture_output=True, env=_env(), timeout=120)
    return home


def _cli(*args) -> dict:
    result = subprocess.run([sys.executable, "-c", _CLI_PROBE, *args], capture_output=True, text=True, env=_env(),
                            timeout=120)
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_main_window_start_up_loads_no_renderer_nor_alembic(demo_home):
    result = subprocess.run([sys.executable, "-c", _GUI_PROBE, str(demo_home)], capture_output=True, text=True,
                            env=_env(), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["title"] and "dxdesk" in facts["title"], facts["title"]  # the main window is up, with its unit
    assert facts["pages"] == ["counter"]  # the other places are built when first shown
    assert facts["shown_while_opening"] == ["splash"]  # something on screen at once, before the database opens
    assert facts["shown_at_start"] == ["main_window"]  # and gone once the main window is there
    modules = facts["modules"]
    assert "sqlalchemy" in modules  # the probe saw a real start-up, database open
    assert _loaded(modules, NOT_AT_START) == []
    assert _loaded(modules, QT_NOT_AT_START) == []
    # the day's backup copy was made off the UI thread, finished before the window closed
    assert [p.name for p in (demo_home / "backups").glob("daily-*.sqlite3")]


def test_cli_help_and_log_load_no_renderer(demo_home):
    helps = _cli("--help")
    assert helps["code"] == 0
    assert _loaded(helps["modules"], NOT_AT_START + ("sqlalchemy", "PySide6")) == []
    logged = _cli("--home", str(demo_home), "log", "vneid")
    assert logged["code"] == 0
    assert _loaded(logged["modules"], NOT_AT_START) == []  # the database is at the newest schema: no Alembic


def test_a_database_due_for_a_migration_still_loads_alembic_and_is_upgraded(tmp_path):
    """The other side of the constant head: an older schema is noticed, copied to backups/ and migrated."""
    import sqlite3

    from alembic import command
    from sqlalchemy import create_engine

    from dxdesk.db import engine as dbengine
    from dxdesk.paths import AppPaths

    paths = AppPaths(tmp_path / "old").ensure()
    old = create_engine("sqlite:///" + paths.database.as_posix())
    with old.connect() as conn:
        command.upgrade(dbengine._alembic_config(conn), "0001")
        conn.commit()
    old.dispose()
    logged = _cli("--home", str(paths.home), "log", "vneid")
    assert logged["code"] == 0
    assert "alembic" in logged["modules"]
    con = sqlite3.connect(paths.database)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == dbengine.SCHEMA_HEAD
    assert con.execute("SELECT count(*) FROM service_records").fetchone()[0] == 1
    con.close()
    assert list(paths.backups.glob("before-migration-0001-*.sqlite3"))


def test_the_splash_gives_way_to_the_sign_in_dialog(qtbot):
    """On a database with users the next window is the sign-in dialog: the splash must not stay over it."""
    from dxdesk.ui.app import create_application, show_splash
    from PySide6.QtWidgets import QDialog

    app = create_application()
    splash = show_splash(app)
    assert splash.isVisible()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert not splash.isVisible()
