"""The places of the main window, in sidebar order. Pages are imported when first shown (fast start)."""

from __future__ import annotations

from dataclasses import dataclass

from dxdesk.i18n import N_


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # msgid
    module: str  # under dxdesk.ui.pages
    cls: str
    icon: str  # QStyle standard pixmap name


PAGES = (
    PageSpec("counter", N_("Counter"), "counter.page", "CounterPage", "SP_DialogApplyButton"),
    PageSpec("journal", N_("Journal"), "journal.page", "JournalPage", "SP_FileDialogDetailedView"),
    PageSpec("shifts", N_("Shift schedule"), "shifts.page", "ShiftsPage", "SP_FileDialogInfoView"),
    PageSpec("volunteers", N_("Volunteers"), "volunteers.page", "VolunteersPage", "SP_DirHomeIcon"),
    PageSpec("guides", N_("QR guides"), "guides.page", "GuidesPage", "SP_FileDialogContentsView"),
    PageSpec("reports", N_("Reports"), "reports.page", "ReportsPage", "SP_FileIcon"),
    PageSpec("exchange", N_("Data exchange"), "exchange.page", "ExchangePage", "SP_DriveNetIcon"),
    PageSpec("settings", N_("Settings"), "settings.page", "SettingsPage", "SP_ComputerIcon"),
)

# Tabs of the Settings page, in order: (key, title msgid, module, class).
SETTINGS_TABS = (
    ("unit", N_("Unit"), "settings.page", "UnitTab"),
    ("users", N_("Users"), "settings.users", "UsersTab"),
    ("audit", N_("Audit log"), "settings.audit", "AuditTab"),
    ("backup", N_("Backup"), "settings.backup", "BackupTab"),
)
