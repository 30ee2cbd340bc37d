"""Start-up loads only what the first window needs (issue #16): the real entry point `dxdesk --home H gui`, in a fresh
process. On a demo database (no dialog comes before the main window) the main window's frame is painted before the
database layer loads: at its first paint neither SQLAlchemy nor the models are there, nor a splash. Once the
database is open and the Counter page built, none of the renderers (reportlab, qrcode), the XLSX/DOCX writers,
Alembic, keyring or the chart and print modules of Qt are loaded, and only the Counter page is built. Any other
start (a PIN to ask, a first start) shows the splash while the database opens. The command line's help and `log`
load no renderer either.

Each check runs in its own process: in the test process these modules are long loaded by other tests."""

import json
import os
import subprocess
import sys

import pytest

# Loaded before the first window only if something there needs them, which nothing should.
NOT_AT_START = ("reportlab", "qrcode", "openpyxl", "docx", "alembic", "keyring", "icalendar", "PIL")
QT_NOT_AT_START = ("PySide6.QtCharts", "PySide6.QtPrintSupport", "PySide6.QtPdf")

# Each probe ends the same way: the real entry point, then what it saw (`facts`) as one JSON line.
_RUN_GUI_AND_REPORT = r"""
from dxdesk.cli import main
code = main(["--home", sys.argv[1], "gui"])
print(json.dumps(facts))
sys.exit(code)
"""

_GUI_PROBE = r"""
import json, sys
from dxdesk.ui import app as gui

facts = {}
_open_in_window = gui.open_in_window

def _state(window):
    from PySide6.QtWidgets import QApplication

    focus = QApplication.focusWidget()
    return {"modules": sorted(sys.modules), "title": window.windowTitle(), "pages": sorted(window.pages),
            "visible": sorted(w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()),
            "page_shown": window.stack.currentWidget().objectName(),
            "focus_in": focus.window().objectName() if focus else None,
            "focus_page": next((p for p, w in window.pages.items() if focus and w.isAncestorOf(focus) or focus is w),
                               None)}

def _ready(window):
    from dxdesk.ui.first_paint import call_after_first_paint

    facts["ready"] = _state(window)
    # closed once the page is painted and its housekeeping started; closing waits for the pages' background work
    call_after_first_paint(window.stack.currentWidget(), window.close)

def _after_first_paint(app, window, cli_ctx):
    facts["first_paint"] = _state(window)
    window.ready.connect(lambda: _ready(window))
    _open_in_window(app, window, cli_ctx)

gui.open_in_window = _after_first_paint
""" + _RUN_GUI_AND_REPORT

_SIGN_IN_PROBE = r"""
import json, sys
from dxdesk.ui import first_paint, signin

facts = {}
_call_after_first_paint = first_paint.call_after_first_paint

def _state():
    from PySide6.QtWidgets import QApplication

    return {"modules": sorted(sys.modules),
            "visible": sorted(w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible())}

def _after_first_paint(widget, fn):
    def first():
        facts["first_paint"] = _state()
        fn()
    _call_after_first_paint(widget, first)

def _exec(dialog):  # the dialog waits for a person: record what it offers, then Cancel
    completer = dialog.username.completer()
    facts["asking"] = {**_state(), "names": completer.model().stringList() if completer else None}
    return 0

first_paint.call_after_first_paint = _after_first_paint
signin.SignInDialog.exec = _exec
""" + _RUN_GUI_AND_REPORT

_FIRST_START_PROBE = r"""
import json, sys
from dxdesk.db import engine
from dxdesk.ui import signin

facts = {}
_open_database = engine.open_database

def _visible():
    from PySide6.QtWidgets import QApplication

    return sorted(w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible())

def _opening(*args, **kwargs):
    facts["while_opening"] = _visible()
    return _open_database(*args, **kwargs)

def _exec(dialog):  # the first-admin dialog waits for a person: Cancel
    facts["asking"] = type(dialog).__name__
    return 0

engine.open_database = _opening
signin.FirstAdminDialog.exec = _exec
""" + _RUN_GUI_AND_REPORT

_MESSAGES_PROBE = r"""
import json, sys
from dxdesk.ui import messages

messages.captured = []
from dxdesk.cli import main
code = main(["--home", sys.argv[1], "gui"])
print(json.dumps({"code": code, "messages": messages.captured}))
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


def test_main_window_is_painted_before_the_database_layer_loads_and_no_renderer_loads(demo_home):
    result = subprocess.run([sys.executable, "-c", _GUI_PROBE, str(demo_home)], capture_output=True, text=True,
                            env=_env(), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    first, ready = facts["first_paint"], facts["ready"]
    # the first window on screen is the main window itself (no splash before it), painted without the database
    assert first["visible"] == ["main_window"]
    assert first["pages"] == [] and first["page_shown"] == "opening"
    assert _loaded(first["modules"], ("sqlalchemy", "dxdesk.db")) == []
    # then the database opens, the demo coordinator is signed in and the Counter page takes the keyboard
    assert "dxdesk" in ready["title"] and "Mỹ Tho" in ready["title"]  # the unit, from the database
    assert ready["pages"] == ["counter"]  # the other places are built when first shown
    assert ready["page_shown"] == "page_counter"
    assert ready["focus_in"] == "main_window" and ready["focus_page"] == "counter"
    assert ready["visible"] == ["main_window"]
    modules = ready["modules"]
    assert "sqlalchemy" in modules  # the probe saw a real start-up, database open
    assert _loaded(modules, NOT_AT_START) == []
    assert _loaded(modules, QT_NOT_AT_START) == []
    # the day's backup copy was made off the UI thread, finished before the process ended
    assert [p.name for p in (demo_home / "backups").glob("daily-*.sqlite3")]


@pytest.fixture(scope="module")
def office_home(tmp_path_factory):
    """A data folder as a commune has it: its unit and a user with a PIN (every start asks who signs in)."""
    home = tmp_path_factory.mktemp("startup") / "office"
    cli = [sys.executable, "-m", "dxdesk", "--home", str(home)]
    subprocess.run([*cli, "init", "--province-code", "82", "--unit-code", "28261"], check=True, capture_output=True,
                   env=_env(), timeout=120)
    subprocess.run([*cli, "user", "add", "--name", "Chị Lan", "--role", "coordinator", "lan"], input="135792\n135792\n",
                   text=True, check=True, capture_output=True, env=_env(), timeout=120)
    return home


def test_the_sign_in_dialog_is_painted_before_the_database_layer_loads(office_home):
    result = subprocess.run([sys.executable, "-c", _SIGN_IN_PROBE, str(office_home)], capture_output=True, text=True,
                            env=_env(), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]  # Cancel: nobody signed in, no error
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    first, asking = facts["first_paint"], facts["asking"]
    assert first["visible"] == ["signin"]  # the dialog is the first window: no splash, no main window
    assert _loaded(first["modules"], ("sqlalchemy", "dxdesk.db")) == []
    # the database opened behind it: the dialog now completes the user names (from dxdesk.security.auth, the one place)
    assert asking["names"] == ["lan"]
    assert asking["visible"] == ["signin"]
    assert "sqlalchemy" in asking["modules"]
    assert _loaded(asking["modules"], NOT_AT_START + QT_NOT_AT_START) == []


def test_a_first_start_shows_the_splash_while_the_database_is_made(tmp_path):
    """No database yet: nothing to read which window comes first, so the splash is on screen while the database
    is created, then the administrator is asked for."""
    result = subprocess.run([sys.executable, "-c", _FIRST_START_PROBE, str(tmp_path / "new")], capture_output=True,
                            text=True, env=_env(), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts == {"while_opening": ["splash"], "asking": "FirstAdminDialog"}


def test_a_database_that_cannot_be_opened_behind_the_frame_says_so_and_ends(tmp_path, demo_home):
    """The frame came first (demo data), then the database turns out to be from a newer dxdesk: one clear message
    over the window, exit 2, the file unchanged."""
    import shutil
    import sqlite3

    home = tmp_path / "newer"
    shutil.copytree(demo_home, home)
    con = sqlite3.connect(home / "dxdesk.sqlite3")
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = (home / "dxdesk.sqlite3").read_bytes()
    result = subprocess.run([sys.executable, "-c", _MESSAGES_PROBE, str(home)], capture_output=True, text=True,
                            env=_env(), timeout=120)
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["code"] == 2
    assert [(kind, title) for kind, title, _text in facts["messages"]] == [("error", "Không mở được cơ sở dữ liệu")]
    assert "phiên bản dxdesk mới hơn" in facts["messages"][0][2]
    assert (home / "dxdesk.sqlite3").read_bytes() == before


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
