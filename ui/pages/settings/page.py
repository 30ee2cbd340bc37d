"""Cài đặt: the unit profile (picked from the official QĐ 19/2025 list), language, and the admin tabs."""

from __future__ import annotations

import importlib
import logging

from dxdesk.ui import messages, ui_settings
from dxdesk.ui.pages.registry import SETTINGS_TABS
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dxdesk.errors import UserError
from dxdesk.i18n import _, language
from dxdesk.settings import units
from dxdesk.settings.profile import get_profile, set_profile
from dxdesk.settings.store import LANGUAGE

log = logging.getLogger(__name__)


class UnitProfileDialog(QDialog):
    """Pick the province and commune from the official list; nothing is typed by hand."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Unit profile"))
        self.province_box = QComboBox(objectName="province_box")
        for code, name in units.provinces().items():
            self.province_box.addItem(f"{code} — {name}", code)
        self.level_commune = QRadioButton(_("Commune or ward (xã, phường, đặc khu)"), objectName="level_commune")
        self.level_province = QRadioButton(_("Province level (rolls up communes' packages)"), objectName="level_province")
        self.level_commune.setChecked(True)
        self.unit_box = QComboBox(objectName="unit_box")
        self.unit_box.setEditable(True)
        self.unit_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.unit_box.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

        form = QFormLayout()
        form.addRow(_("Province:"), self.province_box)
        form.addRow("", self.level_commune)
        form.addRow("", self.level_province)
        form.addRow(_("Commune / ward:"), self.unit_box)
        note = QLabel(_("Codes follow Decision 19/2025/QĐ-TTg (list of 1 July 2025)."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

        self.province_box.currentIndexChanged.connect(self._fill_units)
        self.level_province.toggled.connect(lambda on: self.unit_box.setEnabled(not on))
        profile = get_profile(ctx.db)
        if profile:
            self.province_box.setCurrentIndex(max(0, self.province_box.findData(profile.province_code)))
            self.level_province.setChecked(profile.is_province_level)
        self._fill_units()
        if profile and profile.unit_code:
            self.unit_box.setCurrentIndex(max(0, self.unit_box.findData(profile.unit_code)))

    def _fill_units(self) -> None:
        self.unit_box.clear()
        for unit in units.units_of(self.province_box.currentData()):
            self.unit_box.addItem(f"{unit.unit_name} ({unit.unit_code})", unit.unit_code)

    def save(self) -> None:
        province = self.province_box.currentData()
        unit_code = None if self.level_province.isChecked() else self.unit_box.currentData()
        if not self.level_province.isChecked():
            index = self.unit_box.findText(self.unit_box.currentText())
            if index < 0:
                messages.warning(self, _("Unit profile"), _("Choose a commune or ward from the list."))
                return
            unit_code = self.unit_box.itemData(index)
        try:
            set_profile(self.ctx.db, self.ctx.actor, province, unit_code=unit_code)
        except UserError as exc:
            messages.warning(self, _("Unit profile"), exc.message)
            return
        self.ctx.events.profile_changed.emit()
        self.accept()


class UnitTab(QWidget):
    """The unit profile and the app language."""

    def __init__(self, ctx, title: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.summary = QLabel(objectName="unit_summary")
        self.summary.setWordWrap(True)
        change = QPushButton(_("Change unit…"), objectName="change_unit")
        change.clicked.connect(self.change_unit)
        unit_group = QGroupBox(_("Unit"))
        unit_layout = QVBoxLayout(unit_group)
        unit_layout.addWidget(self.summary)
        unit_layout.addWidget(change, 0, Qt.AlignmentFlag.AlignLeft)
        self.fingerprint = QLabel(objectName="own_fingerprint")  # read over the phone at enrolment
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        unit_layout.addWidget(self.fingerprint)

        self.language_box = QComboBox(objectName="language_box")
        self.language_box.addItem("Tiếng Việt", "vi")
        self.language_box.addItem("English", "en")
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(language())))
        self.language_box.currentIndexChanged.connect(self._language_chosen)
        lang_group = QGroupBox(_("Language"))
        lang_layout = QHBoxLayout(lang_group)
        lang_layout.addWidget(self.language_box)
        lang_layout.addWidget(QLabel(_("Takes effect the next time dxdesk starts.")), 1)

        # Why call-back contacts are off on this computer, for the administrator (the counter shows one short line).
        self.keyring_group = QGroupBox(_("Call-back contacts on this computer"), objectName="keyring_group")
        keyring_layout = QVBoxLayout(self.keyring_group)
        self.keyring_text = QLabel(objectName="keyring_text", wordWrap=True)
        keyring_layout.addWidget(self.keyring_text)
        from dxdesk.counter.contact import unavailable_reason

        reason = unavailable_reason(ctx.db)
        if reason:
            self.keyring_text.setText(reason + "\n\n" + _(
                "Names and phone numbers of citizens who agree to be called back are encrypted; the key is kept in "
                "the operating system's password store. Windows has one (Credential Manager). On Linux, install "
                "and unlock GNOME Keyring or KWallet for this user, then start dxdesk again. Until then the counter "
                "logs everything else normally."))
        self.keyring_group.setVisible(bool(reason))

        layout = QVBoxLayout(self)
        layout.addWidget(unit_group)
        layout.addWidget(lang_group)
        layout.addWidget(self.keyring_group)
        layout.addStretch(1)
        ctx.events.profile_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        from dxdesk.ui.pages.exchange.keys import own_fingerprint_text

        self.fingerprint.setText(own_fingerprint_text(self.ctx.db))
        profile = get_profile(self.ctx.db)
        if profile is None:
            self.summary.setText(_("No unit set yet. Choose your commune or ward so reports carry its name."))
        elif profile.is_province_level:
            self.summary.setText(_("Province-level database: {name} ({code}).").format(
                name=profile.province_name, code=profile.province_code))
        else:
            self.summary.setText(_("Unit: {name} ({codes}), {province}.").format(
                name=profile.unit_name, codes=profile.codes, province=profile.province_name))

    def change_unit(self) -> None:
        UnitProfileDialog(self.ctx, self).exec()

    def _language_chosen(self) -> None:
        ui_settings.set_value(self.ctx.paths, LANGUAGE, self.language_box.currentData() or "")
        self.ctx.events.status_message.emit(_("Language saved: it takes effect the next time dxdesk starts."))


class SettingsPage(QWidget):
    def __init__(self, ctx, title: str = "", parent=None):
        super().__init__(parent)
        self.tabs = QTabWidget(objectName="settings_tabs")
        for key, tab_title, module, cls in SETTINGS_TABS:
            mod = importlib.import_module(f"dxdesk.ui.pages.{module}")
            widget = getattr(mod, cls)(ctx, _(tab_title))
            widget.setObjectName(f"tab_{key}")
            self.tabs.addTab(widget, _(tab_title))
        from dxdesk.ui.pages.reports.targets import TargetsTab  # Chỉ tiêu, right after Đơn vị

        targets = TargetsTab(ctx, _("Targets"))
        targets.setObjectName("tab_targets")
        self.tabs.insertTab(1, targets, _("Targets"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
