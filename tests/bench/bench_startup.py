"""Start-up: from launching the process to a usable main window, against a bare PySide6 window.

Both are measured in the same run, each in a fresh Python process (imports count, as they do for a user):
the wall time from spawning the process to the first turn of the Qt event loop after the window is shown.

* dxdesk: the real entry point `dxdesk --home H gui` (CLI parsing, logging, the database layer, fonts, Vietnamese
  catalogue, the splash, database open + schema check against the constant head, sign-in, housekeeping, unit
  profile, main window with the Counter page) on a demo database, which opens signed in as its coordinator (no
  dialog waiting for a person). The day's backup copy is made on the first of the untimed warm-up starts.
* baseline: a QApplication with a QMainWindow holding one QLabel.

The child prints `READY <title>` once the event loop runs with the window visible; the parent times it.
With QT_QPA_PLATFORM=offscreen (no display needed), so no window manager or GPU time is included. The machine's
load average is part of the figure's label: on a shared machine it moves both numbers, the ratio less.
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

# The hook both children share: when the event loop starts, report the visible main window and quit. It patches
# QApplication.exec when the child itself first imports PySide6.QtWidgets, not before: importing PySide6 here would
# change what the child pays for its own imports (PySide6 installs an import hook that reads the source of every
# module imported after it), so the measured start-up would not be the one a user gets.
_HOOK = r"""
import sys
from importlib.machinery import PathFinder

def _ready():
    from PySide6.QtWidgets import QApplication, QMainWindow

    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    print("READY " + (windows[0].windowTitle() if windows else "<no window>"), flush=True)
    QApplication.quit()

def _patch(widgets):
    from PySide6.QtCore import QTimer

    app_class = widgets.QApplication
    exec_ = app_class.exec

    def _exec_and_report(*args):
        QTimer.singleShot(0, _ready)
        return exec_()

    app_class.exec = staticmethod(_exec_and_report)

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


def time_child(code: str, *args: str) -> tuple[float, str]:
    """Seconds from spawning a Python child running CODE to its READY line; and the window title."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env())
    try:
        deadline = start + TIMEOUT_S
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("READY "):
                elapsed = time.perf_counter() - start
                title = line[6:].strip()
                proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
                if title == "<no window>":
                    raise RuntimeError("the event loop started with no visible main window")
                return elapsed, title
        proc.wait(timeout=5)
        raise RuntimeError(f"no window (exit {proc.returncode}): {proc.stderr.read()[-400:]}")  # type: ignore[union-attr]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def prepare_home(root: Path, records: int) -> Path:
    """A data folder with demo data (unit profile, users, volunteers, records), made through the CLI once."""
    home = root / "home"
    subprocess.run([sys.executable, "-m", "dxdesk", "--home", str(home), "demo", "--records", str(records)],
                   check=True, env=_env(), capture_output=True, timeout=300)
    return home


def run(quick: bool) -> list[dict]:
    repeats = 2 if quick else 7
    with tempfile.TemporaryDirectory(prefix="dxdesk-bench-startup-") as tmp:
        home = prepare_home(Path(tmp), records=500 if quick else 20_000)
        time_child(_BARE_CHILD)  # warm the OS file cache (and write the bytecode) for both, untimed
        time_child(_DXDESK_CHILD, str(home))
        title = time_child(_DXDESK_CHILD, str(home))[1]
        if "dxdesk" not in title:
            raise RuntimeError(f"unexpected main window: {title!r}")
        dxdesk_times, bare_times = [], []
        for _ in range(repeats):  # interleaved, so drifting machine load hits both alike
            bare_times.append(time_child(_BARE_CHILD)[0])
            dxdesk_times.append(time_child(_DXDESK_CHILD, str(home))[0])
    value = statistics.median(dxdesk_times)
    baseline = statistics.median(bare_times)
    load = f", load average {os.getloadavg()[0]:.1f}".replace(".", ",") if hasattr(os, "getloadavg") else ""
    return [{
        "figure": f"start-up to the first paint of the main window (median of {repeats}, "
                  f"{'500' if quick else '20 000'} records{load})",
        "value": value,
        "unit": "s",
        "baseline": baseline,
        "baseline_label": "bare PySide6 window",
        "ratio": value / baseline,
        "target": "≤ 2,5× the bare window (issue #16)",
    }]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
