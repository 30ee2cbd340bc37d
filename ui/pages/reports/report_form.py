"""The left column of the report tab: report kind, date and number; the clerk's three texts; the signer; print,
save PDF, save Word, copy the Zalo image; the progress bar with its cancel button and the status line."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dxdesk.i18n import N_, _

REPORT_KINDS = (("state", N_("Results report (state layout, ND 30/2020)")),
                ("doan", N_("Results report (Youth Union layout)")))
WIDTH = 340


class ReportForm(QWidget):
    def __init__(self, today: dt.date, parent=None):
        super().__init__(parent)
        self.report_kind = QComboBox(objectName="report_kind")
        for key, label in REPORT_KINDS:
            self.report_kind.addItem(_(label), key)
        self.date_edit = QDateEdit(objectName="report_date", calendarPopup=True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.number_label = QLabel(objectName="number_label")
        self.texts_tabs = QTabWidget(objectName="texts_tabs")
        self.difficulties_edit = QPlainTextEdit(objectName="difficulties_edit")
        self.proposals_edit = QPlainTextEdit(objectName="proposals_edit")
        self.plan_edit = QPlainTextEdit(objectName="plan_edit")
        for edit, label in ((self.difficulties_edit, _("Difficulties")), (self.proposals_edit, _("Proposals")),
                            (self.plan_edit, _("Next period"))):
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText(_("Left empty, the report prints dotted lines to write on."))
            self.texts_tabs.addTab(edit, label)
        self.signer_button = QPushButton(_("Si&gner and recipients…"), objectName="signer_button")
        self.print_button = QPushButton(_("&Print…"), objectName="print_button")
        self.pdf_button = QPushButton(_("Save P&DF"), objectName="pdf_button")
        self.docx_button = QPushButton(_("Save &Word"), objectName="docx_button")
        self.zalo_button = QPushButton(_("Copy &image (Zalo)"), objectName="zalo_button")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.progress = QProgressBar(objectName="progress")
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(_("Cancel"), objectName="cancel_button")
        self.status_label = QLabel(objectName="status_label")
        self.status_label.setWordWrap(True)

        form = QFormLayout()
        kind_label = QLabel(_("Report &kind:"))
        kind_label.setBuddy(self.report_kind)
        form.addRow(kind_label, self.report_kind)
        date_label = QLabel(_("Report &date:"))
        date_label.setBuddy(self.date_edit)
        form.addRow(date_label, self.date_edit)
        form.addRow(_("Number:"), self.number_label)
        column = QVBoxLayout(self)  # the style's margins: the form stands clear of the tab's frame
        column.addLayout(form)
        column.addWidget(self.texts_tabs, 1)
        column.addWidget(self.signer_button)
        buttons = QGridLayout()
        buttons.addWidget(self.print_button, 0, 0)
        buttons.addWidget(self.pdf_button, 0, 1)
        buttons.addWidget(self.docx_button, 1, 0)
        buttons.addWidget(self.zalo_button, 1, 1)
        column.addLayout(buttons)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        column.addLayout(busy)
        column.addWidget(self.status_label)
        self.setFixedWidth(WIDTH)

    @property
    def doan(self) -> bool:
        return self.report_kind.currentData() == "doan"

    def changed_signals(self):
        """What makes the preview out of date."""
        return (self.report_kind.currentIndexChanged, self.date_edit.dateChanged, self.difficulties_edit.textChanged,
                self.proposals_edit.textChanged, self.plan_edit.textChanged)

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
