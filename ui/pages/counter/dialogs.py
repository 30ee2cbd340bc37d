"""Dialogs of the counter page that are not part of logging itself: campaign entry, correcting an entry."""

from __future__ import annotations

import datetime as dt

from dxdesk.ui import messages
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.counter.journal import CHANNEL_LABELS, OUTCOME_LABELS
from dxdesk.counter.records import (
    MAX_CAMPAIGN_COUNT,
    Correction,
    NewRecord,
    correct_record,
    log_record,
    void_record,
)
from dxdesk.counting.catalogue import list_services
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int


def _buttons(dialog: QDialog, save_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Save).setText(save_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    box.rejected.connect(dialog.reject)
    return box


def _error_label() -> QLabel:
    label = QLabel(objectName="error_label")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.hide()
    return label


def connection_lost(ctx, exc: Exception) -> bool:
    """A shared server that stopped answering mid-write: remember it is down (the counter page then keeps entries
    in the outbox) and say so in the dialog — not the crash dialog. False for anything else (a real bug)."""
    if ctx.db.is_sqlite:
        return False
    from dxdesk.exchange import outbox

    if not outbox.is_connection_error(exc):
        return False
    outbox.mark_unreachable(ctx.db)
    return True


def written_or_said(dialog, write) -> bool:
    """Run WRITE for DIALOG (which has `ctx` and an `error` label). A refusal, or a shared server that stopped
    answering, is said in the error line and False returned, the dialog staying open with what was typed."""
    try:
        write()
        return True
    except UserError as exc:
        text = str(exc)
    except Exception as exc:
        if not connection_lost(dialog.ctx, exc):
            raise
        text = _("The server cannot be reached. Try again when it is back.")
    dialog.error.setText(text)
    dialog.error.show()
    return False


class _DateEdit(QDateEdit):
    """Tab leaves the field (QDateEdit walks day → month → year with it, which keeps the keyboard inside)."""

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt API
        return QWidget.focusNextPrevChild(self, forward)


ASK_ABOVE = 1000  # a campaign count above this is asked about before it is saved (a typo like 35 → 3500)


class CampaignDialog(QDialog):
    """Outreach days: 'N installs of one service at a place on a date', counted like N records."""

    def __init__(self, ctx, volunteers: list[tuple[int | None, str]], volunteer_id: int | None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved_uuid: str | None = None
        self.setWindowTitle(_("Campaign entry"))
        self.date_edit = _DateEdit(objectName="campaign_date", calendarPopup=True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        today = clock.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.place_edit = QLineEdit(objectName="campaign_place")
        self.place_edit.setPlaceholderText(_("e.g. Phường market, Ấp Tân Thuận cultural house"))
        self.service_box = QComboBox(objectName="campaign_service")
        for svc in list_services(ctx.db):
            self.service_box.addItem(svc.name, svc.code)
        self.count_spin = QSpinBox(objectName="campaign_count", minimum=1, maximum=MAX_CAMPAIGN_COUNT)
        self.count_spin.setGroupSeparatorShown(True)
        self.volunteer_box = QComboBox(objectName="campaign_volunteer")
        for vid, name in volunteers:
            self.volunteer_box.addItem(name, vid)
        self.volunteer_box.setCurrentIndex(max(0, self.volunteer_box.findData(volunteer_id)))
        self.channel_box = QComboBox(objectName="campaign_channel")
        for code in ("outreach", "home", "counter"):
            self.channel_box.addItem(_(CHANNEL_LABELS[code]), code)
        self.error = _error_label()
        # The count first (it is what changes every time; the dialog opens on it), the date last (rarely changed).
        form = QFormLayout()
        form.addRow(_("&Number of citizens:"), self.count_spin)
        form.addRow(_("&Service:"), self.service_box)
        form.addRow(_("Place (&L):"), self.place_edit)
        form.addRow(_("&Volunteer:"), self.volunteer_box)
        form.addRow(_("C&hannel:"), self.channel_box)
        form.addRow(_("&Date:"), self.date_edit)
        buttons = _buttons(self, _("Save"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        chain = [self.count_spin, self.service_box, self.place_edit, self.volunteer_box, self.channel_box,
                 self.date_edit, buttons]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.count_spin.setFocus()
        self.count_spin.selectAll()  # typing "35" replaces the 1 shown

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.count_spin.setFocus()
        self.count_spin.selectAll()

    def save(self) -> None:
        count = self.count_spin.value()
        if count > ASK_ABOVE and not messages.confirm(
                self, _("Campaign entry"),
                _("{n} citizens in one campaign entry: is that right?").format(n=fmt_int(count)),
                yes=_("Yes, save {n}").format(n=fmt_int(count)), no=_("No, correct the number")):
            self.count_spin.setFocus()
            self.count_spin.selectAll()
            return
        day = self.date_edit.date().toPython()
        when = clock.now() if day == clock.today() else dt.datetime.combine(day, dt.time(12, 0))
        rec = NewRecord(services=[self.service_box.currentData()], occurred_at=when,
                        channel=self.channel_box.currentData(), count=self.count_spin.value(), is_campaign=True,
                        place=self.place_edit.text(), volunteer_id=self.volunteer_box.currentData())
        def write() -> None:
            self.saved_uuid = log_record(self.ctx.db, self.ctx.actor, rec)

        if written_or_said(self, write):
            self.accept()


class CorrectDialog(QDialog):
    """Correct one entry of today: services, outcome, note (the audit log keeps the old values)."""

    def __init__(self, ctx, entry, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.setWindowTitle(_("Correct the entry of {time}").format(time=entry.occurred_at.strftime("%H:%M")))
        self.service_list = QListWidget(objectName="correct_services")
        for svc in list_services(ctx.db):
            item = QListWidgetItem(svc.name)
            item.setData(Qt.ItemDataRole.UserRole, svc.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if svc.code in entry.services else Qt.CheckState.Unchecked)
            self.service_list.addItem(item)
        # Wide and tall enough for every service name in full, without a scroll bar (it was ~334 px and cut them).
        self.service_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.service_list.setMinimumWidth(self.service_list.sizeHintForColumn(0) + 2 * self.service_list.frameWidth()
                                          + 24)
        rows = self.service_list.count()
        self.service_list.setMinimumHeight(min(rows, 14) * max(1, self.service_list.sizeHintForRow(0))
                                           + 2 * self.service_list.frameWidth() + 4)
        self.outcome_box = QComboBox(objectName="correct_outcome")
        for code, label in OUTCOME_LABELS.items():
            self.outcome_box.addItem(_(label), code)
        self.outcome_box.setCurrentIndex(max(0, self.outcome_box.findData(entry.outcome)))
        self.note_edit = QLineEdit(entry.note, objectName="correct_note")
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(_("&Services:"), self.service_list)
        form.addRow(_("&Outcome:"), self.outcome_box)
        form.addRow(_("&Note:"), self.note_edit)
        buttons = _buttons(self, _("Save the correction"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen_services(self) -> list[str]:
        items = (self.service_list.item(i) for i in range(self.service_list.count()))
        return [it.data(Qt.ItemDataRole.UserRole) for it in items if it.checkState() == Qt.CheckState.Checked]

    def save(self) -> None:
        change = Correction(services=self.chosen_services(), outcome=self.outcome_box.currentData(),
                            note=self.note_edit.text())
        if written_or_said(self, lambda: correct_record(self.ctx.db, self.ctx.actor, self.entry.uuid, change)):
            self.accept()


class VoidDialog(QDialog):
    """Void one entry of today with a reason; an empty or refused reason is said here and the dialog stays open."""

    def __init__(self, ctx, entry, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.setWindowTitle(_("Void the entry"))
        question = QLabel(_("Why is the entry of {time} ({services}) voided?").format(
            time=entry.occurred_at.strftime("%H:%M"), services=entry.service_names), wordWrap=True)
        self.reason_edit = QLineEdit(objectName="void_reason")
        self.reason_edit.setPlaceholderText(_("e.g. entered twice, wrong service"))
        question.setBuddy(self.reason_edit)
        self.error = _error_label()
        buttons = _buttons(self, _("Void the entry"))
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def save(self) -> None:
        if written_or_said(self, lambda: void_record(self.ctx.db, self.ctx.actor, self.entry.uuid,
                                                     self.reason_edit.text())):
            self.accept()
        else:
            self.reason_edit.setFocus()
