"""Start-up: from launching the process to the first window on screen, against a bare PySide6 window.

All are measured in the same run, each in a fresh Python process (imports count, as they do for a user), as the wall
time from spawning the process to a window's first paint event (not the first turn of the event loop: a window shown
is not yet a window painted):

* first paint of the main window: the real entry point `dxdesk --home H gui` on a demo database (which opens signed in
  as its coordinator, no dialog waiting for a person). What is painted then is the real main window's frame: the
  sidebar with every place, the page area saying "Đang mở cơ sở dữ liệu…", the status bar with the day. The database
  layer (SQLAlchemy, the models) is not loaded yet: it loads right after this paint (issue #16's goal: ≤ 2,5×).
* Counter page usable: the same start, until the database is open, the coordinator signed in and the Counter page
  built, focused and painted. This is what a volunteer waits for to see the page; keys pressed earlier wait in the
  queue and land there.
* first paint of the sign-in dialog: `dxdesk --home H gui` on a database with its unit and a user with a PIN (every
  start asks who signs in). The database opens behind the dialog, after its first paint; the child ends at the paint.
* baseline: a QApplication with a QMainWindow holding one QLabel, to its first paint.

The day's backup copy of the demo database is made on the first of the untimed warm-up starts. With
QT_QPA_PLATFORM=offscreen (no display needed), so no window manager or GPU time is included. The machine's load
average is part of the figure's label: on a shared machine it moves all numbers, the ratios less.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT_S = 60  # a sign-in dialog waiting for a person would end here, as an error row

# The hook every child shares: an event filter on the application sees every event from the first; it reports the
# first paint of a main window (and when dxdesk's is usable), or of the sign-in dialog. It is put in place when the
# child itself first imports PySide6.QtWidgets, not before: importing PySide6 here would change what the child pays
# for its own imports (PySide6 installs an import hook that reads the source of every module imported after it), so
# the measured start-up would not be the one a user gets.
_HOOK = r"""
import sys
from importlib.machinery import PathFinder

def _patch(widgets):
    import os
    from PySide6.QtCore import QEvent, QObject, QTimer

    class _Watch(QObject):
        window = None

        def eventFilter(self, obj, event):
            if event.type() != QEvent.Type.Paint or not obj.isWidgetType():
                return False
            if obj.objectName() == "signin":  # the sign-in dialog's first paint: that start is timed up to here
                print("SIGNIN " + obj.windowTitle(), flush=True)
                os._exit(0)
            if self.window is False:
                return False
            if self.window is None and isinstance(obj, widgets.QMainWindow):
                self.window = obj
                print("PAINTED " + obj.windowTitle(), flush=True)  # the main window's own paint event
                if getattr(obj, "ctx", True) is not None:  # complete at once (the bare window)
                    self.usable()
            elif self.window is not None and obj.objectName() == "page_counter":
                self.usable()  # dxdesk's frame got its Counter page, now painted
            return False

        def usable(self):
            window, self.window = self.window, False  # reported once
            if window is False:
                return
            pages = ",".join(sorted(getattr(window, "pages", {})))
            print("USABLE " + pages + "|" + window.windowTitle(), flush=True)
            QTimer.singleShot(0, app_class.quit)  # after this turn of the loop (the paint's flush included)

    app_class = widgets.QApplication

    class _Application(app_class):  # every event of the process passes the watch, from the first one
        def __init__(self, *args):
            super().__init__(*args)
            self._watch = _Watch()
            self.installEventFilter(self._watch)

    widgets.QApplication = _Application

class _WhenQtWidgetsLoads:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "PySide6.QtWidgets":
            return None
        sys.meta_path.remove(cls)
        spec = PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, _WhenQtWidgetsLoads)
"""

_DXDESK_CHILD = _HOOK + r"""
from dxdesk.cli import main
sys.exit(main(["--home", sys.argv[1], "gui"]))
"""

_BARE_CHILD = _HOOK + r"""
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.setCentralWidget(QLabel("Xin chào"))
window.resize(1093, 614)
window.show()
sys.exit(app.exec())
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    env.pop("DXDESK_START_PAGE", None)
    # An installed dxdesk starts from compiled bytecode (pip and the Windows build compile it). Without this, a shell
    # with PYTHONDONTWRITEBYTECODE set would time the compiling of every dxdesk module at every start instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _child(code: str, *args: str):
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env())


def _ended(proc) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def time_child(code: str, *args: str) -> tuple[float, float, str, str]:
    """Seconds from spawning a Python child running CODE to the first paint of its main window, and to the window
    being usable (for dxdesk: database open, signed in, Counter page built and painted); the pages built then
    (comma-separated) and the window's title."""
    start = time.perf_counter()
    proc = _child(code, *args)
    painted = None
    try:
        deadline = start + TIMEOUT_S
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("PAINTED ") and painted is None:
                painted = time.perf_counter() - start
            elif line.startswith("USABLE ") and painted is not None:
                usable = time.perf_counter() - start
                pages, _sep, title = line[7:].strip().partition("|")
                proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
                return painted, usable, pages, title
        proc.wait(timeout=5)
        raise RuntimeError(f"no window (exit {proc.returncode}): {proc.stderr.read()[-400:]}")  # type: ignore[union-attr]
    finally:
        _ended(proc)


def time_sign_in(home: Path) -> float:
    """Seconds from spawning `dxdesk --home HOME gui` on a database with users to the sign-in dialog's first paint
    (the child ends there: nobody types a PIN)."""
    start = time.perf_counter()
    proc = _child(_DXDESK_CHILD, str(home))
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("SIGNIN "):
                return time.perf_counter() - start
            if line.startswith("PAINTED "):
                raise RuntimeError("the main window came before the sign-in dialog")
        proc.wait(timeout=5)
        raise RuntimeError(f"no sign-in dialog (exit {proc.returncode}): {proc.stderr.read()[-400:]}")  # type: ignore[union-attr]
    finally:
        _ended(proc)


def prepare_home(root: Path, records: int) -> Path:
    """A data folder with demo data (unit profile, users, volunteers, records), made through the CLI once. It opens
    signed in as its coordinator: no dialog waiting for a person."""
    home = root / "home"
    subprocess.run([sys.executable, "-m", "dxdesk", "--home", str(home), "demo", "--records", str(records)],
                   check=True, env=_env(), capture_output=True, timeout=300)
    return home


def prepare_home_with_users(root: Path) -> Path:
    """A data folder as a commune has it: its unit and a user with a PIN, so every start asks who signs in."""
    home = root / "office"
    cli = [sys.executable, "-m", "dxdesk", "--home", str(home)]
    subprocess.run([*cli, "init", "--province-code", "82", "--unit-code", "28261"], check=True, env=_env(),
                   capture_output=True, timeout=120)
    subprocess.run([*cli, "user", "add", "--name", "Chị Lan", "--role", "coordinator", "lan"], input="135792\n135792\n",
                   text=True, check=True, env=_env(), capture_output=True, timeout=120)
    return home


def run(quick: bool) -> list[dict]:
    repeats = 2 if quick else 7
    with tempfile.TemporaryDirectory(prefix="dxdesk-bench-startup-") as tmp:
        home = prepare_home(Path(tmp), records=500 if quick else 20_000)
        office = prepare_home_with_users(Path(tmp))
        time_child(_BARE_CHILD)  # warm the OS file cache (and write the bytecode) for both, untimed
        time_child(_DXDESK_CHILD, str(home))
        time_sign_in(office)
        _painted, _usable, pages, title = time_child(_DXDESK_CHILD, str(home))
        if "dxdesk" not in title or "counter" not in pages.split(","):
            raise RuntimeError(f"unexpected main window: {title!r} with pages {pages!r}")
        painted, usable, sign_in, bare = [], [], [], []
        for _ in range(repeats):  # interleaved, so drifting machine load hits all alike
            bare.append(time_child(_BARE_CHILD)[0])
            times = time_child(_DXDESK_CHILD, str(home))
            painted.append(times[0])
            usable.append(times[1])
            sign_in.append(time_sign_in(office))
    baseline = statistics.median(bare)
    load = f", load average {os.getloadavg()[0]:.1f}".replace(".", ",") if hasattr(os, "getloadavg") else ""
    size = f"{'500' if quick else '20 000'} records"
    rows = []
    for figure, values, target in (
        (f"start-up to the first paint of the main window (its frame: sidebar, status bar; the database opens "
         f"right after), demo data, {size}", painted, "≤ 2,5× the bare window (issue #16)"),
        (f"start-up until the Counter page is usable (database open, signed in, page built and painted), demo data, "
         f"{size}",
         usable, "—"),
        ("start-up to the first paint of the sign-in dialog (a database with users; it opens behind the dialog)",
         sign_in, "—"),
    ):
        rows.append({
            "figure": f"{figure} (median of {repeats}{load})",
            "value": statistics.median(values),
            "unit": "s",
            "baseline": baseline,
            "baseline_label": "bare PySide6 window, first paint",
            "ratio": statistics.median(values) / baseline,
            "target": target,
        })
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
