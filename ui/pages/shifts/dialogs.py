"""Dialogs of the Lịch trực page: one shift's staff (assign by hand with live conflict checks, remove,
absence with reason, hand over to another volunteer, no-show) and adding an ad-hoc outreach shift."""

from __future__ import annotations

import datetime as dt

from dxdesk.ui import messages
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
)

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import permissions
from dxdesk.shifts import attendance, planning
from dxdesk.vnformat import fmt_date, weekday_name
from dxdesk.volunteers import members as roster

exec_hook = None  # tests: callable(dialog) -> int instead of dialog.exec()
text_answers: list[str] | None = None  # tests: answers to ask_text() in order


def run(dialog: QDialog) -> int:
    if exec_hook is not None:
        return exec_hook(dialog)
    return dialog.exec()


def ask_text(parent, title: str, label: str) -> str | None:
    if text_answers is not None:
        return text_answers.pop(0) if text_answers else None
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    edit = QLineEdit()
    caption = QLabel(label)
    caption.setBuddy(edit)
    box = QDialogButtonBox()
    box.addButton(_("OK"), QDialogButtonBox.ButtonRole.AcceptRole).setDefault(True)
    box.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(caption)
    layout.addWidget(edit)
    layout.addWidget(box)
    return edit.text() if dialog.exec() else None


class ShiftDialog(QDialog):
    def __init__(self, ctx, shift_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.shift_id = ctx, shift_id
        self.changed = False
        self.setMinimumWidth(640)
        self.title = QLabel(objectName="shift_title")
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)
        self.status = QLabel(objectName="shift_status")
        self.status.setWordWrap(True)
        self.staff_list = QListWidget(objectName="staff_list")
        staff_caption = QLabel(_("&Volunteers on this shift:"))
        staff_caption.setBuddy(self.staff_list)
        self.remove_button = QPushButton(_("&Remove"), objectName="remove_button")
        self.absent_button = QPushButton(_("Absent, &notified…"), objectName="absent_button")
        self.absent_button.setToolTip(_("The volunteer told the team beforehand that they cannot come: write the "
                                        "reason. Counts as an absence with a reason, not as a no-show."))
        self.swap_button = QPushButton(_("&Hand over to…"), objectName="swap_button")
        self.noshow_button = QPushButton(_("Absent, &without notice"), objectName="noshow_button")
        self.noshow_button.setToolTip(_("The volunteer did not come and did not tell anyone: counts as a no-show "
                                        "in the hours report."))
        self.checkin_button = QPushButton(_("Check &in"), objectName="checkin_button")
        self.checkout_button = QPushButton(_("Check o&ut"), objectName="checkout_button")
        staff_buttons = QHBoxLayout()
        for b in (self.remove_button, self.absent_button, self.swap_button, self.noshow_button,
                  self.checkin_button, self.checkout_button):
            staff_buttons.addWidget(b)
        self.volunteer_box = QComboBox(objectName="add_box")
        add_caption = QLabel(_("A&dd volunteer:"))
        add_caption.setBuddy(self.volunteer_box)
        self.conflict_label = QLabel(objectName="conflict_label")
        self.conflict_label.setWordWrap(True)
        self.force_check = QCheckBox(_("Assign an&yway (not registered for this weekday / shift full)"),
                                     objectName="force_check")
        self.add_button = QPushButton(_("&Add"), objectName="add_button")
        add_row = QHBoxLayout()
        add_row.addWidget(add_caption)
        add_row.addWidget(self.volunteer_box, 1)
        add_row.addWidget(self.add_button)
        close = QDialogButtonBox()
        close.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(staff_caption)
        layout.addWidget(self.staff_list, 1)
        layout.addLayout(staff_buttons)
        layout.addLayout(add_row)
        layout.addWidget(self.conflict_label)
        layout.addWidget(self.force_check)
        layout.addWidget(close)

        self.volunteer_box.currentIndexChanged.connect(self._check)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.absent_button.clicked.connect(self.absent)
        self.swap_button.clicked.connect(self.swap)
        self.noshow_button.clicked.connect(self.no_show)
        self.checkin_button.clicked.connect(lambda: self._attendance("in"))
        self.checkout_button.clicked.connect(lambda: self._attendance("out"))
        self.staff_list.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.reload()

    def reload(self) -> None:
        self.view = planning.get_shift(self.ctx.db, self.shift_id)
        s = self.view
        kind = _(planning.KIND_LABELS[s.kind])
        self.setWindowTitle(kind)
        place = ", ".join(x for x in (s.reception_point, s.place) if x)
        self.title.setText(f"{kind} · {weekday_name(s.date)} {fmt_date(s.date)} {s.start:%H:%M}–{s.end:%H:%M}"
                           + (f" · {place}" if place else ""))
        notes = [_("Volunteers: {n} (needs {min}–{max})").format(n=len(s.assigned), min=s.min_staff, max=s.max_staff)]
        if s.day_off:
            notes.append(_("Day off: {name}").format(name=s.day_off))
        if s.understaffed:
            notes.append(_("Understaffed: below the minimum of {min}.").format(min=s.min_staff))
        notes += [_("Conflict: {reason}").format(reason=p) for p in s.problems]
        self.status.setText("\n".join(notes))
        self.status.setStyleSheet("color: #9b0000;" if s.problems else ("color: #7a5300;" if s.understaffed else ""))
        self.staff_list.clear()
        for x in s.staff:
            text = x.name + (" (VNeID)" if x.can_vneid else "")
            if x.status == "absent":
                text += " — " + _("absent: {reason}").format(reason=x.absence_reason)
            elif x.status == "swapped":
                text += " — " + _("handed over")
            elif x.no_show:
                text += " — " + _("no-show")
            elif x.check_in:
                text += " — " + _("in {time}").format(time=f"{x.check_in:%H:%M}")
                if x.check_out:
                    text += " " + _("out {time}").format(time=f"{x.check_out:%H:%M}")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, x.volunteer_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, x.status)
            self.staff_list.addItem(item)
        on = {x.volunteer_id for x in s.staff}
        self.volunteer_box.blockSignals(True)
        self.volunteer_box.clear()
        for v in roster.list_volunteers(self.ctx.db, include_inactive=False):
            if v.id not in on:
                self.volunteer_box.addItem(v.name + (" (VNeID)" if v.can_vneid else ""), v.id)
        self.volunteer_box.blockSignals(False)
        self._check()
        self._update_buttons()

    def _selected(self) -> tuple[int | None, str]:
        item = self.staff_list.currentItem()
        if item is None:
            return None, ""
        return item.data(Qt.ItemDataRole.UserRole), item.data(Qt.ItemDataRole.UserRole + 1)

    def _update_buttons(self) -> None:
        may = permissions.allowed(self.ctx.actor, "shift.manage")
        may_check = permissions.allowed(self.ctx.actor, "shift.check_in")
        vid, status = self._selected()
        assigned = vid is not None and status == "assigned"
        for b in (self.remove_button, self.absent_button, self.swap_button, self.noshow_button):
            b.setEnabled(may and assigned)
        today = self.view.date == clock.today()
        self.checkin_button.setEnabled(may_check and assigned and today)
        self.checkout_button.setEnabled(may_check and assigned and today)
        self.add_button.setEnabled(may and self.volunteer_box.count() > 0 and not self.view.cancelled)
        self.volunteer_box.setEnabled(may)

    def _check(self) -> None:
        vid = self.volunteer_box.currentData()
        if vid is None:
            self.conflict_label.setText("")
            self.force_check.setVisible(False)
            return
        problems = planning.check_assignment(self.ctx.db, self.shift_id, vid)
        if problems:
            self.conflict_label.setText("⚠ " + " ".join(c.message for c in problems))
            self.conflict_label.setStyleSheet("color: #9b0000;")
        else:
            self.conflict_label.setText(_("✓ No conflict."))
            self.conflict_label.setStyleSheet("color: #1b5e20;")
        overridable = bool(problems) and all(c.kind in planning.OVERRIDABLE for c in problems)
        self.force_check.setVisible(overridable)
        self.force_check.setChecked(False)

    def _do(self, fn, *args) -> bool:
        try:
            fn(self.ctx.db, self.ctx.actor, *args)
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return False
        self.changed = True
        self.reload()
        return True

    def add(self) -> None:
        vid = self.volunteer_box.currentData()
        if vid is not None:
            self._do(lambda db, actor, s, v: planning.assign(db, actor, s, v, force=self.force_check.isChecked()),
                     self.shift_id, vid)

    def remove(self) -> None:
        vid, _status = self._selected()
        if vid is not None:
            self._do(planning.unassign, self.shift_id, vid)

    def absent(self) -> None:
        vid, _status = self._selected()
        if vid is None:
            return
        reason = ask_text(self, _("Absence"), _("&Reason for the absence:"))
        if reason is not None:
            self._do(planning.mark_absent, self.shift_id, vid, reason)

    def swap(self) -> None:
        vid, _status = self._selected()
        to = self.volunteer_box.currentData()
        if vid is None or to is None:
            messages.warning(self, self.windowTitle(),
                             _("Select who hands over in the list and who takes over in “Add volunteer”."))
            return
        self._do(planning.swap, self.shift_id, vid, to)

    def no_show(self) -> None:
        vid, _status = self._selected()
        if vid is not None:
            self._do(attendance.mark_no_show, self.shift_id, vid)

    def _attendance(self, which: str) -> None:
        vid, _status = self._selected()
        if vid is not None:
            self._do(attendance.check_in if which == "in" else attendance.check_out, self.shift_id, vid)


class AdhocShiftDialog(QDialog):
    """An outreach or home-visit shift with a place (weekend market, home visits)."""

    def __init__(self, ctx, day: dt.date, parent=None):
        super().__init__(parent)
        self.ctx, self.shift_id = ctx, None
        self.setWindowTitle(_("Add an outreach shift"))
        self.date_edit = QDateEdit(QDate(day.year, day.month, day.day), calendarPopup=True, objectName="date_edit")
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.start_edit = QTimeEdit(QTime(7, 0), objectName="start_edit")
        self.end_edit = QTimeEdit(QTime(11, 0), objectName="end_edit")
        for e in (self.start_edit, self.end_edit):
            e.setDisplayFormat("HH:mm")
        self.kind_box = QComboBox(objectName="kind_box")
        for k in ("outreach", "home", "counter"):
            self.kind_box.addItem(_(planning.KIND_LABELS[k]), k)
        self.place_edit = QLineEdit(objectName="place_edit")
        self.place_edit.setPlaceholderText(_("e.g. Chợ Tân Hòa, Ấp 3 cultural house"))
        self.min_spin = QSpinBox(minimum=1, maximum=20, value=2, objectName="min_spin")
        self.max_spin = QSpinBox(minimum=1, maximum=20, value=4, objectName="max_spin")
        form = QFormLayout()
        for label, w in ((_("&Date:"), self.date_edit), (_("&From:"), self.start_edit), (_("&To:"), self.end_edit),
                         (_("&Kind:"), self.kind_box), (_("&Place:"), self.place_edit),
                         (_("M&inimum volunteers:"), self.min_spin), (_("Ma&ximum volunteers:"), self.max_spin)):
            caption = QLabel(label)
            caption.setBuddy(w)
            form.addRow(caption, w)
        box = QDialogButtonBox()
        box.addButton(_("&Save"), QDialogButtonBox.ButtonRole.AcceptRole).setDefault(True)
        box.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)

    def accept(self) -> None:
        d = self.date_edit.date()
        try:
            self.shift_id = planning.add_shift(
                self.ctx.db, self.ctx.actor, dt.date(d.year(), d.month(), d.day()),
                self.start_edit.time().toString("HH:mm"), self.end_edit.time().toString("HH:mm"),
                kind=self.kind_box.currentData(), place=self.place_edit.text(), min_staff=self.min_spin.value(),
                max_staff=self.max_spin.value())
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        super().accept()
