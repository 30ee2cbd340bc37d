"""Settings packages on the data-exchange page: a commune receives one (preview of every change, then apply),
a province or ward makes one. Both are small JSON files: checking and applying take milliseconds, so they run
on the UI thread (measured here: preview 2 ms, apply 9 ms for a package to 102 communes with the full catalogue)."""

from __future__ import annotations

import logging
from pathlib import Path

from dxdesk.ui import messages
from dxdesk.ui.period_hint import attach_period_hint
from dxdesk.ui.period_picker import PeriodPicker
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.exchange.settings_package import (
    SettingsPlan,
    applied_packages,
    apply_settings_package,
    make_settings_package,
    preview_settings_package,
)
from dxdesk.i18n import _
from dxdesk.periods import parse_period
from dxdesk.security.permissions import allowed
from dxdesk.settings.profile import get_profile

log = logging.getLogger(__name__)


class SettingsPackageBox(QGroupBox):
    """The row on the exchange page: receive (commune) and make (province/ward) settings packages."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(_("Settings packages: targets, catalogue, guide links, days off"), parent)
        self.ctx = ctx
        self.note = QLabel(objectName="settings_note")
        self.note.setWordWrap(True)
        self.receive_button = QPushButton(_("&Receive a settings package…"), objectName="receive_settings")
        self.receive_button.clicked.connect(lambda: self.choose_receive())
        self.make_button = QPushButton(_("&Make a settings package…"), objectName="make_settings")
        self.make_button.clicked.connect(lambda: self.open_make())
        row = QHBoxLayout(self)
        row.addWidget(self.note, 1)
        row.addWidget(self.receive_button)
        row.addWidget(self.make_button)
        self.refresh()

    def refresh(self) -> None:
        profile = get_profile(self.ctx.db)
        commune = profile is not None and profile.unit_code is not None
        self.receive_button.setVisible(commune)
        self.receive_button.setEnabled(allowed(self.ctx.actor, "settings.receive"))
        self.make_button.setEnabled(profile is not None and allowed(self.ctx.actor, "settings.send"))
        last = applied_packages(self.ctx.db) if commune else {}
        if last:
            newest = max(last.values(), key=lambda v: v.get("applied_at", ""))
            self.note.setText(_("Last applied: package no. {serial}, on {at}.").format(
                serial=newest["serial"], at=_day(newest.get("applied_at", ""))))
        elif commune:
            self.note.setText(_("The province sends targets and guide links as a package: open it here."))
        else:
            self.note.setText(_("Send the communes their targets, the catalogue, guide links and days off."))

    def choose_receive(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Receive a settings package"), str(Path.home()),
                                                    _("dxdesk packages (*.zip)"))
        if path:
            self.receive(Path(path))

    def receive(self, path: Path) -> ReceiveSettingsDialog | None:
        """Check PATH and show its preview (the dialog applies it); a refused package gets one message."""
        from dxdesk.ui.pages.exchange.keys import pin_then

        from dxdesk.exchange.trust import NotPinned

        try:
            try:
                plan = preview_settings_package(self.ctx.db, self.ctx.actor, path)
            except NotPinned as first:  # the first package of this sender: confirm its key by phone, pin it
                if not pin_then(self, self.ctx, first, path):
                    return None
                plan = preview_settings_package(self.ctx.db, self.ctx.actor, path)
        except UserError as exc:
            messages.warning(self, _("Settings package"), exc.message)
            return None
        dialog = ReceiveSettingsDialog(self.ctx, plan, self)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()
        return dialog

    def open_make(self) -> MakeSettingsDialog:
        dialog = MakeSettingsDialog(self.ctx, self)
        dialog.open()
        return dialog


def _day(iso: str) -> str:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return iso


class ReceiveSettingsDialog(QDialog):
    """Every change the package makes, old and new side by side; Apply writes them all or nothing."""

    def __init__(self, ctx, plan: SettingsPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.plan = ctx, plan
        self.setWindowTitle(_("Settings package no. {serial}").format(serial=plan.serial))
        self.setObjectName("receive_settings_dialog")
        head = QLabel(objectName="settings_head")
        head.setWordWrap(True)
        lines = [_("From: {issuer} · made {at}").format(issuer=plan.issuer_name, at=_day(plan.created_at))]
        if plan.note:
            lines.append(_("Note: {note}").format(note=plan.note))
        head.setText("\n".join(lines))
        self.table = QTableWidget(len(plan.changes), 4, objectName="changes")
        self.table.setHorizontalHeaderLabels([_("What"), _("Item"), _("Now"), _("After applying")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        for r, change in enumerate(plan.changes):
            for c, value in enumerate((change.kind_label(), change.key, change.before, change.after)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(plan.summary(), objectName="settings_summary")
        self.summary.setWordWrap(True)
        rule = QLabel(_("Records of citizens served are never changed by a settings package; targets, guides and days "
                        "it names replace the ones here."))
        rule.setWordWrap(True)
        rule.setStyleSheet("font-style: italic;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = self.buttons.addButton(_("&Apply"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("apply_settings")
        # a package that changes nothing is still applied: its number is recorded, so an older one arriving later
        # cannot roll anything back
        self.apply_button.setEnabled(not plan.already_applied and allowed(ctx.actor, "settings.receive"))
        self.apply_button.setDefault(self.apply_button.isEnabled())
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(rule)
        layout.addWidget(self.buttons)
        self.resize(820, 460)
        (self.apply_button if self.apply_button.isEnabled() else self.table).setFocus()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.table.resizeRowsToContents()  # long names wrap instead of ending in "…"

    def apply(self) -> None:
        try:
            plan = apply_settings_package(self.ctx.db, self.ctx.actor, self.plan.path, self.plan.sha256)
        except UserError as exc:
            messages.warning(self, _("Settings package"), exc.message)
            return
        self.plan = plan
        text = plan.summary()
        self.ctx.events.profile_changed.emit()
        self.ctx.events.status_message.emit(plan.summary())
        self.accept()
        messages.info(self.parentWidget(), _("Settings package"), text)


class MakeSettingsDialog(QDialog):
    """Province or ward: choose the target periods, the communes and the parts, then save the package."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Make a settings package"))
        self.setObjectName("make_settings_dialog")
        profile = get_profile(ctx.db)
        self.province_level = profile is not None and profile.unit_code is None
        self.periods = QLineEdit(objectName="settings_periods")
        self.periods.setText(str(clock.today().year))
        self.periods.setToolTip(_("One or more periods, separated by commas: 2026, 2026-Q1, 2026-03"))
        # the one period picker (as on Báo cáo, Chỉ tiêu, Trao đổi dữ liệu): choose, then add to the list
        self.picker = PeriodPicker(parse_period(str(clock.today().year)), kinds=("year", "quarter", "month"),
                                   prefix="settings")
        self.picker.show_month(clock.today().month)
        self.add_period = QPushButton(_("&Add period"), objectName="add_settings_period")
        self.add_period.clicked.connect(self._add_period)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.picker)
        pick_row.addWidget(self.add_period)
        pick_row.addStretch(1)
        self.all_units = QRadioButton(_("Every commune of the province"), objectName="all_units")
        self.some_units = QRadioButton(_("Only these codes:"), objectName="some_units")
        self.unit_codes = QLineEdit(objectName="unit_codes")
        self.unit_codes.setPlaceholderText("28261, 28249")
        self.all_units.setChecked(True)
        self.unit_codes.setEnabled(False)
        self.some_units.toggled.connect(self.unit_codes.setEnabled)
        units_row = QHBoxLayout()
        units_row.addWidget(self.all_units)
        units_row.addWidget(self.some_units)
        units_row.addWidget(self.unit_codes, 1)
        self.catalogue = QCheckBox(_("Service &catalogue"), objectName="with_catalogue")
        self.guides = QCheckBox(_("Edited QR &guides (links)"), objectName="with_guides")
        self.holidays = QCheckBox(_("Days &off and working days"), objectName="with_holidays")
        parts = QHBoxLayout()
        for box in (self.catalogue, self.guides, self.holidays):
            box.setChecked(True)
            parts.addWidget(box)
        parts.addStretch(1)
        self.note = QLineEdit(objectName="settings_note_edit")
        self.note.setMaxLength(500)
        form = QFormLayout()
        periods_label = QLabel(_("&Targets of the periods:"))
        periods_label.setBuddy(self.periods)
        form.addRow(periods_label, self.periods)
        form.addRow(QLabel(""), attach_period_hint(self.periods, several=True))
        form.addRow(QLabel(""), pick_row)
        if self.province_level:
            form.addRow(QLabel(_("For:")), units_row)
        else:
            for w in (self.all_units, self.some_units, self.unit_codes):
                w.hide()
            form.addRow(QLabel(_("For:")), QLabel(_("the counters of {unit}").format(unit=profile.unit_name if profile else "")))
        form.addRow(QLabel(_("Also send:")), parts)
        note_label = QLabel(_("&Note:"))
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(_("&Save the package…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save_settings_package")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.choose_file)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.made = None

    def _add_period(self) -> None:
        """The picker's period joins the list (once)."""
        key = self.picker.period().key
        chosen = [p.strip() for p in self.periods.text().split(",") if p.strip()]
        if key not in chosen:
            self.periods.setText(", ".join([*chosen, key]))

    def choose_file(self) -> None:
        name = f"caidat-{clock.today():%Y%m%d}.zip"
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the settings package"), str(Path.home() / name),
                                                    _("dxdesk packages (*.zip)"))
        if path:
            self.save(Path(path))

    def save(self, path: Path):
        try:
            periods = [parse_period(p.strip()) for p in self.periods.text().split(",") if p.strip()]
            codes = None
            if self.province_level and self.some_units.isChecked():
                codes = [c.strip() for c in self.unit_codes.text().replace(";", ",").split(",") if c.strip()]
                if not codes:
                    raise UserError(_("Type at least one commune code, or choose every commune."))
            self.made = make_settings_package(
                self.ctx.db, self.ctx.actor, path, periods=periods, recipients=codes,
                catalogue=self.catalogue.isChecked(), guides=self.guides.isChecked(),
                holidays=self.holidays.isChecked(), note=self.note.text())
        except UserError as exc:
            messages.warning(self, _("Settings package"), exc.message)
            return None
        self.accept()
        made = self.made
        messages.info(self.parentWidget(), _("Settings package"), _(
            "Package no. {serial} saved: {file}\n{n} communes · {targets} targets · {services} services · {guides} guides "
            "· {holidays} days.").format(serial=made.serial, file=made.path, n=made.recipients, targets=made.targets,
                                        services=made.services, guides=made.guides, holidays=made.holidays))
        return made

