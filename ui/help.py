"""Built-in help: one short page per place (what each button does) and the keyboard shortcuts.

`show_help(parent, page_key)` opens the dialog on the page of the place the user is in (Ctrl+F1).
"""

from __future__ import annotations

import re
from html import escape

from dxdesk.ui.pages.registry import PAGES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from dxdesk.i18n import N_, _

SHORTCUTS_KEY = "shortcuts"

# place key -> (what the place is for, [(control, what it does), …]); msgids, translated when shown.
PLACES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "counter": (
        N_("Log every citizen served, in seconds. The common case takes two key presses: a service key, then Enter."),
        [
            (N_("Service buttons (keys 1–9, F1–F12)"), N_("Select the service(s) given to this citizen; press several keys for several services. The F keys work even when Unikey or EVKey types digits as tone marks.")),
            (N_("Save (Enter)"), N_("Saves the citizen; the form is empty again at once and a short confirmation shows what was logged.")),
            (N_("Clear (Esc)"), N_("Clears the selection without saving.")),
            (N_("&Quick: a click saves"), N_("When ticked, one click on a service button saves it for one citizen.")),
            (N_("Outcome, age band, sex, note"), N_("Optional; leave them as they are when the queue is long. A note must never hold a citizen ID number, password or OTP: it is refused.")),
            (N_("On &duty:"), N_("Who is serving: taken from today's shift; each entry is credited to that volunteer and shift.")),
            (N_("Check &in"), N_("Records that the volunteer on duty has arrived for the shift (hours are credited).")),
            (N_("Ca&mpaign entry…"), N_("Outreach days: N citizens served with one service at a place, counted like N entries.")),
            (N_("Undo (Ctrl+Z)"), N_("Voids the last entry within 5 minutes (reason \"Hoàn tác\", kept in the audit log).")),
            (N_("Correct… / Void…"), N_("Fix or void (with a reason) one of your own entries of today in the Today list. Nothing is ever deleted.")),
            (N_("Call-back contact"), N_("Only with the citizen's consent (tick the box): name and phone are stored encrypted and purged after the retention period.")),
        ],
    ),
    "journal": (
        N_("Every entry ever logged, with filters, sorting and search. Stays fast on a million entries."),
        [
            (N_("Period, service, volunteer, channel, outcome"), N_("Filter the list; the count above the list follows the filters.")),
            (N_("Valid / voided"), N_("Show valid entries only (default), voided ones only, or both.")),
            (N_("Search"), N_("Finds services, volunteers, places and notes; accents are optional (\"nguyen\" finds \"Nguyễn\").")),
            (N_("Column headings"), N_("Click No., Date, Channel, Outcome or Count to sort")),
            (N_("Export CSV… / Export XLSX…"), N_("Saves the filtered list as a file for Excel; it can be cancelled while it runs.")),
        ],
    ),
    "shifts": (
        N_("Plan the counter shifts (Monday and Friday by default), assign volunteers fairly, and record attendance."),
        [
            (N_("Plan"), N_("Creates the shifts of a period from the weekly rule; public holidays and local days off are skipped and listed. Planning again never duplicates a shift.")),
            (N_("Auto-assign"), N_("Fills every shift to its minimum before anyone gets more, honours availability, and puts a volunteer who can do VNeID on each counter shift where possible; it says what it could not fill.")),
            (N_("Week / month view"), N_("Assign by hand; conflicts (double booking, not available, inactive, shift full) are shown, and understaffed shifts stand out.")),
            (N_("Outreach shift"), N_("Adds a shift at another place, e.g. a weekend market or home visits.")),
            (N_("Swap / absence"), N_("Records that two volunteers swapped a shift, or that one is absent (with the reason).")),
            (N_("Print roster / iCal"), N_("The month roster as an A4 PDF, and the shifts as an .ics file for phone calendars.")),
        ],
    ),
    "volunteers": (
        N_("The roster of volunteers: teams, roles, skills and the weekdays they can come."),
        [
            (N_("Add / Edit"), N_("Name, phone, team, role, Youth Union member, skills (which services they can help with), weekdays available.")),
            (N_("Deactivate"), N_("A volunteer with history is deactivated, never deleted; their past work still counts.")),
            (N_("Import…"), N_("Reads the roster from an Excel or CSV sheet, with a preview and the errors of each row before anything is saved.")),
            (N_("Hours report"), N_("Hours and services per volunteer for a period, for Youth Union recognition.")),
        ],
    ),
    "guides": (
        N_("Printed guides for citizens: the steps of each digital service and QR codes that open the right app or page."),
        [
            (N_("&Guides:"), N_("Pick the guide to edit; the preview on the right shows the sheet as it will print.")),
            (N_("&Title:"), N_("The guide's title, steps (one per line, 3 to 6), hotline and note, in Vietnamese and English.")),
            (N_("&Add link"), N_("Adds a link (app store, web page, phone number); links must be https:// or tel:. “Remove link” takes one away.")),
            (N_("Address che&cked: print its QR code"), N_("Tick it once the address is checked; an unchecked link prints a box saying it must be filled in, not a QR code.")),
            (N_("Sa&ve changes"), N_("Stores your edit in this database; it replaces the shipped text on every print. A bad link is refused and nothing is saved.")),
            (N_("&Restore default"), N_("Drops your changes to this guide and goes back to the shipped text.")),
            (N_("La&yout:"), N_("Poster (one guide per page, large QR), handout (two A5 per page), cards (eight per page, cut marks) or counter sheet (every service on one page).")),
            (N_("Print &every guide"), N_("Prints all guides instead of the one selected.")),
            (N_("&Print…"), N_("Opens the system print dialog with a preview.")),
            (N_("Save P&DF…"), N_("Saves the sheets as an A4 PDF.")),
        ],
    ),
    "reports": (
        N_("Counts against targets, the official report and the dashboard."),
        [
            (N_("Period and report"), N_("Choose the month, quarter or year and the report; the preview shows it.")),
            (N_("Print… / Save PDF… / Save Word…"), N_("The report in the ND 30/2020 layout; the Word copy lets the clerk edit the wording before it is signed.")),
            (N_("Dashboard"), N_("Services per week, indicators against target, channels, busiest hours.")),
            (N_("Copy image"), N_("Puts the dashboard or a tally card on the clipboard and in a file, to post in the Zalo group.")),
        ],
    ),
    "exchange": (
        N_("Send the figures up (ward, province) and merge the packages of several communes."),
        [
            (N_("Export…"), N_("One .zip for a period: records without personal data, the tally workbook and a manifest with checksums.")),
            (N_("Import…"), N_("Merges packages; the same package twice adds nothing, and a damaged or tampered package is refused whole.")),
            (N_("Upload"), N_("Sends packages to the configured address; when offline they wait in the queue and are retried.")),
            (N_("Opening balances"), N_("Imports the counts of the months before the app was used, from an Excel sheet.")),
        ],
    ),
    "settings": (
        N_("The unit, language, users, audit log and backups."),
        [
            (N_("Unit"), N_("The commune or ward, picked from the official list of 1 July 2025 (Decision 19/2025/QĐ-TTg); the language of the app.")),
            (N_("Users"), N_("Accounts with a role (volunteer, clerk, coordinator, admin) and a PIN or password.")),
            (N_("Audit log"), N_("Who did what and when: sign-ins, edits, voids, exports, imports, purges.")),
            (N_("Backup"), N_("Daily automatic backups; back up to a USB stick; restore after a check that the file is sound.")),
        ],
    ),
}

# (keys, what they do) — the keyboard shortcut list. Bare key names are not msgids (the same in every language).
SHORTCUTS: list[tuple[str, str]] = [
    ("Ctrl+1 … Ctrl+8", N_("Go to a place in the sidebar, in order.")),
    ("Ctrl+F1", N_("This help, on the page of the place you are in.")),
    ("Ctrl+U", N_("Switch user: someone else signs in at this counter.")),
    ("Ctrl+Q", N_("Quit.")),
    ("Tab / Shift+Tab", N_("Next / previous field or button.")),
    (N_("Alt + underlined letter"), N_("The button or field with that letter underlined.")),
    (N_("Counter: 1–9, F1–F12"), N_("Select a service (several keys for several services).")),
    (N_("Counter: Enter"), N_("Save the citizen.")),
    (N_("Counter: Esc"), N_("Clear the selection.")),
    (N_("Counter: Ctrl+Z"), N_("Undo the last entry (within 5 minutes).")),
    (N_("Lists: arrows, Page Up/Down, Home/End"), N_("Move in a list or table.")),
]


def _no_mnemonic(text: str) -> str:
    """A control's label as read on screen: without the & that marks its Alt+letter."""
    return re.sub(r"&(?!&)", "", text).replace("&&", "&")


def place_html(key: str) -> str:
    """The help page of one place (or of the shortcuts) as HTML."""
    if key == SHORTCUTS_KEY:
        rows = "".join(f"<tr><td><b>{escape(_(k))}</b></td><td>{escape(_(v))}</td></tr>" for k, v in SHORTCUTS)
        return (f"<h2>{escape(_('Keyboard shortcuts'))}</h2>"
                f"<table cellspacing='0' cellpadding='4'>{rows}</table>")
    title = next((_(s.title) for s in PAGES if s.key == key), key)
    intro, items = PLACES[key]
    rows = "".join(f"<tr><td width='34%'><b>{escape(_no_mnemonic(_(c)))}</b></td><td>{escape(_(w))}</td></tr>" for c, w in items)
    return (f"<h2>{escape(title)}</h2><p>{escape(_(intro))}</p>"
            f"<table cellspacing='0' cellpadding='4' width='100%'>{rows}</table>"
            f"<p><i>{escape(_('Ctrl+F1 opens this help from anywhere; Ctrl+1 … Ctrl+8 go to the places.'))}</i></p>")


class HelpDialog(QDialog):
    def __init__(self, parent=None, page_key: str = "counter", paths=None):
        super().__init__(parent)
        self.setObjectName("help_dialog")
        self.setWindowTitle(_("Help — dxdesk"))
        self.ctx = getattr(parent, "ctx", None)
        self.paths = paths if paths is not None else getattr(self.ctx, "paths", None)
        self.places = QListWidget(objectName="help_places")
        self.places.setFixedWidth(200)
        for spec in PAGES:
            if spec.key in PLACES:
                item = QListWidgetItem(_(spec.title))
                item.setData(Qt.ItemDataRole.UserRole, spec.key)
                self.places.addItem(item)
        item = QListWidgetItem(_("Keyboard shortcuts"))
        item.setData(Qt.ItemDataRole.UserRole, SHORTCUTS_KEY)
        self.places.addItem(item)
        self.text = QTextBrowser(objectName="help_text")
        self.text.setOpenExternalLinks(False)
        self.places.currentRowChanged.connect(self._show_row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("&Close"))
        buttons.rejected.connect(self.reject)
        self.about_button = QPushButton(_("&About dxdesk…"), objectName="about_button")
        self.about_button.clicked.connect(self._about)
        buttons.addButton(self.about_button, QDialogButtonBox.ButtonRole.ActionRole)

        body = QHBoxLayout()
        body.addWidget(self.places)
        body.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(860, 540)  # fits 1093×614
        self.select(page_key if page_key in PLACES else "counter")

    def keys(self) -> list[str]:
        return [self.places.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.places.count())]

    def select(self, key: str) -> None:
        self.places.setCurrentRow(self.keys().index(key))
        self.places.setFocus()

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.text.setHtml(place_html(self.keys()[row]))

    def _about(self) -> None:
        from dxdesk.ui.about import AboutDialog

        AboutDialog(self, self.paths, getattr(self.ctx, "db", None)).exec()


def show_help(parent, page_key: str) -> None:
    """Open the help on PAGE_KEY's page (a place key of the sidebar, or 'shortcuts')."""
    dialog = HelpDialog(parent, page_key)
    if page_key == SHORTCUTS_KEY:
        dialog.select(SHORTCUTS_KEY)
    dialog.exec()
