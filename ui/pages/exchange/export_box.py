"""Trao đổi dữ liệu › Send up: the period (the one PeriodPicker), on a province database the commune, what goes in
the package, and Export."""

from __future__ import annotations

from dxdesk.ui.period_picker import PeriodPicker
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from dxdesk import clock
from dxdesk.i18n import _
from dxdesk.periods import report_default
from dxdesk.security.permissions import allowed
from dxdesk.settings.profile import get_profile, rolled_up_units


class ExportBox(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(_("Send up: the package of a period"), parent)
        # the same picker as Báo cáo (chosen, never a typed code), opened on the month a clerk would send
        self.period_picker = PeriodPicker(report_default(clock.today()), prefix="export", show_days=True)
        period_label = QLabel(_("Package &period:"))
        period_label.setBuddy(self.period_picker.kind_box)
        self.personal = QCheckBox(_("With personal &data (notes, names, phone numbers)"), objectName="personal")
        self.with_report = QCheckBox(_("With the report (PD&F)"), objectName="with_report")
        self.with_report.setToolTip(_("Adds the tally report of the period (report.pdf, number left blank) to "
                                      "the package."))
        self.queue_after = QCheckBox(_("Put in the &upload queue"), objectName="queue_after")
        self.export_button = QPushButton(_("E&xport…"), objectName="export")
        # on a province database: which commune's package (re-sending it, or forwarding it up)
        self.unit = QComboBox(objectName="export_unit")
        self.unit.setMinimumContentsLength(18)
        self.unit_label = QLabel(_("Commun&e:"))
        self.unit_label.setBuddy(self.unit)
        first = QHBoxLayout()
        for widget in (period_label, self.period_picker, self.unit_label, self.unit):
            first.addWidget(widget)
        first.addStretch(1)
        first.addWidget(self.export_button)
        second = QHBoxLayout()
        for widget in (self.personal, self.with_report, self.queue_after):
            second.addWidget(widget)
        second.addStretch(1)
        box = QVBoxLayout(self)
        box.addLayout(first)
        box.addLayout(second)
        self.setTabOrder(self.period_picker.to_edit, self.unit)
        self.setTabOrder(self.unit, self.export_button)
        self.setTabOrder(self.export_button, self.personal)
        self.setTabOrder(self.personal, self.with_report)
        self.setTabOrder(self.with_report, self.queue_after)

    def refresh(self, db, actor, busy: bool) -> None:
        """What ACTOR may do now (nothing new while a job runs); the communes of a province database."""
        self.export_button.setEnabled(allowed(actor, "data.export") and not busy)
        for box, permission in ((self.personal, "data.export_personal"), (self.with_report, "report.print")):
            box.setEnabled(allowed(actor, permission))
            if not box.isEnabled():
                box.setChecked(False)
        self._fill_units(db)

    def _fill_units(self, db) -> None:
        """The commune chooser, shown on a province database only (a commune exports its own records)."""
        profile = get_profile(db)
        province = profile is not None and not profile.unit_code
        self.unit.setVisible(province)
        self.unit_label.setVisible(province)
        if not province:
            self.unit.clear()
            return
        rows = list(rolled_up_units(db).items())
        current = self.unit.currentData()
        if [self.unit.itemData(i) for i in range(self.unit.count())] != [code for code, _name in rows]:
            self.unit.clear()
            for code, name in rows:
                self.unit.addItem(f"{name} ({code})", code)
        if current is not None and self.unit.findData(current) >= 0:
            self.unit.setCurrentIndex(self.unit.findData(current))

    def chooses_unit(self) -> bool:
        """A province database: the package is one commune's."""
        return self.unit.isVisibleTo(self)
