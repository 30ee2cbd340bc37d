"""About dxdesk: version, licences (the app, every bundled font, the unit list, Qt), where data and logs live.

Call `show_about(parent, paths)` (paths: the `AppPaths` of the session, e.g. `window.ctx.paths`).
"""

from __future__ import annotations

import platform
import sqlite3
from html import escape
from importlib.resources import files

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dxdesk import __version__
from dxdesk.i18n import _

APP_LICENCE = "MIT"
FONT_LICENCE_FILE = ("fonts", "LICENSE-LiberationFonts.txt")
UNITS_LICENCE_FILE = ("units", "LICENSE-units.md")


def bundled_fonts() -> list[str]:
    """Font files shipped in resources/fonts (each is covered by the licence file next to them)."""
    folder = files("dxdesk.resources") / "fonts"
    return sorted(p.name for p in folder.iterdir() if p.name.lower().endswith((".ttf", ".otf")))


def resource_text(*parts: str) -> str:
    path = files("dxdesk.resources").joinpath(*parts)
    return path.read_text(encoding="utf-8")


def storage_rows(paths, db=None) -> list[tuple[str, str]]:
    """(what, where) for every place the app writes to."""
    rows = []
    if paths is not None:
        database = str(paths.database)
        if db is not None and not getattr(db, "is_sqlite", True):
            database = db.describe()
        rows += [
            (_("Data folder"), str(paths.home)),
            (_("Database"), database),
            (_("Backups"), str(paths.backups)),
            (_("Log files"), str(paths.log_file)),
            (_("Window settings"), str(paths.ui_settings)),
        ]
    return rows


def about_html(paths=None, db=None) -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    fonts = ", ".join(bundled_fonts())
    where = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in storage_rows(paths, db))
    return (
        f"<h2>dxdesk {escape(__version__)}</h2>"
        f"<p>{escape(_('The digital-transformation help desk of the one-stop counter: log of citizens served, shift schedule, QR guides and reports.'))}</p>"
        f"<h3>{escape(_('Licences'))}</h3><ul>"
        f"<li>{escape(_('dxdesk: MIT licence (free to use, copy and change; no warranty).'))}</li>"
        f"<li>{escape(_('Bundled fonts (Liberation Sans and Serif: {fonts}): SIL Open Font License 1.1.').format(fonts=fonts))}</li>"
        f"<li>{escape(_('List of administrative units (Decision 19/2025/QĐ-TTg), from the thanglequoc/vietnamese-provinces-database project: MIT licence notice kept with the data.'))}</li>"
        f"<li>{escape(_('Qt {qt} and Qt for Python (PySide6 {pyside}): LGPL version 3.').format(qt=qVersion(), pyside=pyside_version))}</li>"
        f"<li>{escape(_('Python {python}, SQLite {sqlite} and the other libraries: their own open-source licences.').format(python=platform.python_version(), sqlite=sqlite3.sqlite_version))}</li>"
        "</ul>"
        f"<h3>{escape(_('Where your data is kept'))}</h3>"
        f"<table cellspacing='0' cellpadding='3'>{where}</table>"
        f"<p>{escape(_('Uninstalling the program keeps this folder. Back it up before changing PCs.'))}</p>"
    )


def licences_text() -> str:
    return "\n\n".join([
        "dxdesk — " + _("MIT licence"),
        MIT_TEXT,
        "=" * 72,
        _("Bundled fonts") + ": " + ", ".join(bundled_fonts()),
        resource_text(*FONT_LICENCE_FILE),
        "=" * 72,
        resource_text(*UNITS_LICENCE_FILE),
    ])


MIT_TEXT = """MIT License

Copyright (c) 2026 dxdesk maintainers

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE."""


class AboutDialog(QDialog):
    def __init__(self, parent=None, paths=None, db=None):
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(_("About dxdesk"))
        self.paths = paths
        tabs = QTabWidget(objectName="about_tabs")
        self.summary = QTextBrowser(objectName="about_text")
        self.summary.setHtml(about_html(paths, db))
        tabs.addTab(self.summary, _("&About"))
        self.licences = QTextBrowser(objectName="licence_text")
        self.licences.setPlainText(licences_text())
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel(_("Full licence texts:")))
        box.addWidget(self.licences, 1)
        tabs.addTab(holder, _("&Licences"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("&Close"))
        buttons.rejected.connect(self.reject)
        self.open_data = QPushButton(_("&Open data folder"), objectName="open_data_button")
        self.open_data.setEnabled(paths is not None)
        self.open_data.clicked.connect(self._open_data)
        buttons.addButton(self.open_data, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(760, 520)  # fits 1093×614

    def _open_data(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.home)))


def show_about(parent=None, paths=None) -> None:
    """The About dialog. PARENT's `ctx` (main window or page) supplies paths and database when not given."""
    ctx = getattr(parent, "ctx", None)
    if paths is None:
        paths = getattr(ctx, "paths", None)
    AboutDialog(parent, paths, getattr(ctx, "db", None)).exec()
