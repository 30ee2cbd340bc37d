"""The Lịch trực settings dialog: the weekly shift rule, reception points, and the local calendar changes
(days off / working days) that correct the national holiday list for one year."""

from __future__ import annotations

import datetime as dt

from dxdesk.ui import messages
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import permissions
from dxdesk.shifts import calendar_vn, planning
from dxdesk.vnformat import fmt_date, weekday_name
from dxdesk.volunteers.members import WEEKDAY_CODES, WEEKDAY_SHORT


class ScheduleSettingsDialog(QDialog):
    def __init__(self, ctx, year: int, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.changed = False
        self.setWindowTitle(_("Shift rule and calendar"))
        self.resize(640, 460)
        tabs = QTabWidget(objectName="settings_tabs")
        tabs.addTab(self._rule_tab(), _("&Shift rule"))
        tabs.addTab(self._points_tab(), _("&Reception points"))
        tabs.addTab(self._calendar_tab(year), _("&Days off and working days"))
        close = QDialogButtonBox()
        close.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(close)
        may = permissions.allowed(ctx.actor, "shift.manage")
        for b in (self.rule_save, self.point_add, self.day_add, self.day_remove):
            b.setEnabled(may)

    # --- rule -------------------------------------------------------------------------------------

    def _rule_tab(self) -> QWidget:
        rule = planning.get_rule(self.ctx.db)
        w = QWidget()
        days = QHBoxLayout()
        self.rule_days: dict[str, QCheckBox] = {}
        for code in WEEKDAY_CODES:
            box = QCheckBox(_(WEEKDAY_SHORT[code]), objectName=f"rule_{code}")
            box.setChecked(code in rule.weekdays.split(","))
            self.rule_days[code] = box
            days.addWidget(box)
        days.addStretch(1)
        self.sessions: list[tuple[QCheckBox, QTimeEdit, QTimeEdit]] = []
        form = QFormLayout()
        form.addRow(_("Weekdays:"), days)
        defaults = list(rule.sessions) + [(dt.time(18, 0), dt.time(20, 0))] * (3 - len(rule.sessions))
        for i, (s, e) in enumerate(defaults[:3]):
            on = QCheckBox(_("Session {n}").format(n=i + 1), objectName=f"session_{i}")
            on.setChecked(i < len(rule.sessions))
            start = QTimeEdit(QTime(s.hour, s.minute), objectName=f"session_{i}_start")
            end = QTimeEdit(QTime(e.hour, e.minute), objectName=f"session_{i}_end")
            for t in (start, end):
                t.setDisplayFormat("HH:mm")
            row = QHBoxLayout()
            row.addWidget(start)
            row.addWidget(QLabel("–"))
            row.addWidget(end)
            row.addStretch(1)
            form.addRow(on, row)
            self.sessions.append((on, start, end))
        self.min_spin = QSpinBox(minimum=1, maximum=20, value=rule.min_staff, objectName="rule_min")
        self.max_spin = QSpinBox(minimum=1, maximum=20, value=rule.max_staff, objectName="rule_max")
        for label, spin in ((_("M&inimum volunteers:"), self.min_spin), (_("&Maximum volunteers per shift:"),
                                                                         self.max_spin)):
            caption = QLabel(label)
            caption.setBuddy(spin)
            form.addRow(caption, spin)
        note = QLabel(_("The rule applies to shifts planned from now on; planned shifts keep their hours."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.rule_save = QPushButton(_("Save the &rule"), objectName="rule_save")
        self.rule_save.clicked.connect(self.save_rule)
        layout = QVBoxLayout(w)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.rule_save, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        return w

    def save_rule(self) -> None:
        sessions = [(s.time().toString("HH:mm"), e.time().toString("HH:mm")) for on, s, e in self.sessions
                    if on.isChecked()]
        weekdays = ",".join(c for c, b in self.rule_days.items() if b.isChecked())
        try:
            planning.set_rule(self.ctx.db, self.ctx.actor, weekdays, sessions, self.min_spin.value(),
                              self.max_spin.value())
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        self.changed = True
        self.ctx.events.status_message.emit(_("Shift rule saved."))

    # --- reception points -------------------------------------------------------------------------

    def _points_tab(self) -> QWidget:
        w = QWidget()
        self.point_list = QListWidget(objectName="point_list")
        self.point_name = QLineEdit(objectName="point_name")
        self.point_address = QLineEdit(objectName="point_address")
        self.point_add = QPushButton(_("&Add reception point"), objectName="point_add")
        self.point_add.clicked.connect(self.add_point)
        form = QFormLayout()
        for label, edit in ((_("&Name:"), self.point_name), (_("A&ddress:"), self.point_address)):
            caption = QLabel(label)
            caption.setBuddy(edit)
            form.addRow(caption, edit)
        note = QLabel(_("With no reception point, shifts belong to the commune's one-stop counter. With several, "
                        "planning makes the shifts of each active point."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        # Which skills a counter shift of each point needs: auto-assign covers them (VNeID by default).
        self.skills_point = QComboBox(objectName="skills_point")
        self.skills_edit = QLineEdit(objectName="skills_edit")
        self.skills_edit.setPlaceholderText(_("service codes, e.g. vneid, province_app"))
        self.skills_save = QPushButton(_("Save the skills"), objectName="skills_save")
        self.skills_save.clicked.connect(self.save_skills)
        self.skills_point.currentIndexChanged.connect(self._show_skills)
        skills_row = QHBoxLayout()
        skills_row.addWidget(self.skills_point)
        skills_row.addWidget(self.skills_edit, 1)
        skills_row.addWidget(self.skills_save)
        skills_caption = QLabel(_("Skills a counter shift &needs (auto-assign puts someone with each on it):"))
        skills_caption.setBuddy(self.skills_edit)
        skills_caption.setWordWrap(True)
        layout = QVBoxLayout(w)
        layout.addWidget(note)
        layout.addWidget(self.point_list, 1)
        layout.addLayout(form)
        layout.addWidget(self.point_add, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(skills_caption)
        layout.addLayout(skills_row)
        self._load_points()
        return w

    def _show_skills(self, *_args) -> None:
        self.skills_edit.setText(", ".join(planning.required_skills(self.ctx.db, self.skills_point.currentData())))

    def save_skills(self) -> None:
        try:
            codes = planning.set_required_skills(self.ctx.db, self.ctx.actor, self.skills_point.currentData(),
                                                 self.skills_edit.text())
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        self.changed = True
        self.ctx.events.status_message.emit(_("Skills saved: {skills}.").format(
            skills=planning.describe_skills(self.ctx.db, codes) or _("none")))

    def _load_points(self) -> None:
        self.point_list.clear()
        self.skills_point.blockSignals(True)
        self.skills_point.clear()
        self.skills_point.addItem(_("One-stop counter (no point)"), None)
        for rp in planning.list_reception_points(self.ctx.db):
            self.point_list.addItem(rp.name + (f" — {rp.address}" if rp.address else ""))
            self.skills_point.addItem(rp.name, rp.id)
        self.skills_point.blockSignals(False)
        self._show_skills()

    def add_point(self) -> None:
        try:
            planning.add_reception_point(self.ctx.db, self.ctx.actor, self.point_name.text(), self.point_address.text())
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        self.point_name.clear()
        self.point_address.clear()
        self.changed = True
        self._load_points()

    # --- calendar ---------------------------------------------------------------------------------

    def _calendar_tab(self, year: int) -> QWidget:
        w = QWidget()
        self.year_spin = QSpinBox(minimum=2000, maximum=2100, value=year, objectName="year_spin")
        year_caption = QLabel(_("&Year:"))
        year_caption.setBuddy(self.year_spin)
        self.day_table = QTableWidget(0, 3, objectName="day_table")
        self.day_table.setHorizontalHeaderLabels([_("Date"), _("Kind and name"), _("Source")])
        self.day_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.day_table.verticalHeader().setVisible(False)
        self.day_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.day_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.day_date = QDateEdit(QDate(year, 1, 1), calendarPopup=True, objectName="day_date")
        self.day_date.setDisplayFormat("dd/MM/yyyy")
        self.day_kind = QComboBox(objectName="day_kind")
        self.day_kind.addItem(_("Day off"), "off")
        self.day_kind.addItem(_("Working day"), "working")
        self.day_name = QLineEdit(objectName="day_name")
        self.day_name.setPlaceholderText(_("e.g. Lễ hội Nghinh Ông (local festival)"))
        self.day_add = QPushButton(_("&Add change"), objectName="day_add")
        self.day_remove = QPushButton(_("Remo&ve local change"), objectName="day_remove")
        self.day_add.clicked.connect(self.add_day)
        self.day_remove.clicked.connect(self.remove_day)
        self.year_spin.valueChanged.connect(lambda _v: self._load_days())
        top = QHBoxLayout()
        top.addWidget(year_caption)
        top.addWidget(self.year_spin)
        top.addStretch(1)
        add = QHBoxLayout()
        add.addWidget(self.day_date)
        add.addWidget(self.day_kind)
        add.addWidget(self.day_name, 1)
        add.addWidget(self.day_add)
        layout = QVBoxLayout(w)
        layout.addLayout(top)
        layout.addWidget(self.day_table, 1)
        layout.addLayout(add)
        layout.addWidget(self.day_remove, 0, Qt.AlignmentFlag.AlignRight)
        self._load_days()
        return w

    def _load_days(self) -> None:
        y = self.year_spin.value()
        days = calendar_vn.calendar(self.ctx.db, dt.date(y, 1, 1), dt.date(y, 12, 31))
        self.day_table.setRowCount(len(days))
        for i, (d, info) in enumerate(sorted(days.items())):
            kind = _("Day off") if info.off else _("Working day")
            date_item = QTableWidgetItem(f"{weekday_name(d)} {fmt_date(d)}")
            date_item.setData(Qt.ItemDataRole.UserRole, d.isoformat())
            date_item.setData(Qt.ItemDataRole.UserRole + 1, info.source)
            self.day_table.setItem(i, 0, date_item)
            self.day_table.setItem(i, 1, QTableWidgetItem(f"{kind}: {info.name}"))
            self.day_table.setItem(i, 2, QTableWidgetItem(_("local") if info.source == "local" else _("national")))
        self.day_table.resizeColumnToContents(0)
        self.day_table.resizeColumnToContents(2)

    def add_day(self) -> None:
        q = self.day_date.date()
        try:
            calendar_vn.set_override(self.ctx.db, self.ctx.actor, dt.date(q.year(), q.month(), q.day()),
                                     self.day_kind.currentData(), self.day_name.text())
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        self.day_name.clear()
        self.changed = True
        self.year_spin.setValue(q.year())
        self._load_days()

    def remove_day(self) -> None:
        row = self.day_table.currentRow()
        item = self.day_table.item(row, 0) if row >= 0 else None
        if item is None:
            return
        if item.data(Qt.ItemDataRole.UserRole + 1) != "local":
            messages.warning(self, self.windowTitle(),
                             _("National holidays cannot be removed; add a local working day to override one."))
            return
        try:
            calendar_vn.remove_override(self.ctx.db, self.ctx.actor,
                                        dt.date.fromisoformat(item.data(Qt.ItemDataRole.UserRole)))
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        self.changed = True
        self._load_days()
