"""Dialogs of the Tình nguyện viên page: add/edit a volunteer, import a roster sheet with a preview."""

from __future__ import annotations

from pathlib import Path

from dxdesk.ui import messages
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dxdesk.counting.catalogue import list_services
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.volunteers import members as roster

# Tests set this to a callable(dialog) -> int that replaces dialog.exec().
exec_hook = None
open_path_for_tests: str | Path | None = None


def run(dialog: QDialog) -> int:
    if exec_hook is not None:
        return exec_hook(dialog)
    return dialog.exec()


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    box.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class VolunteerDialog(QDialog):
    """Add (row None) or edit a volunteer; saves through dxdesk.volunteers.members on OK, stays open on a UserError."""

    def __init__(self, ctx, row: roster.VolunteerRow | None = None, parent=None):
        super().__init__(parent)
        self.ctx, self.row, self.saved_id = ctx, row, None
        self.setWindowTitle(_("Edit volunteer") if row else _("Add volunteer"))
        self.name_edit = QLineEdit(objectName="name_edit")
        self.phone_edit = QLineEdit(objectName="phone_edit")
        self.phone_edit.setPlaceholderText("09xx xxx xxx")
        self.team_box = QComboBox(objectName="team_box")
        self.team_box.addItem(_("(no team)"), None)
        for t in roster.list_teams(ctx.db):
            self.team_box.addItem(t.name, t.id)
        self.role_box = QComboBox(objectName="role_box")
        for code in roster.ROLES:
            self.role_box.addItem(_(roster.ROLE_LABELS[code]), code)
        self.role_box.setCurrentIndex(self.role_box.findData("member"))
        self.youth_check = QCheckBox(_("&Youth Union member"), objectName="youth_check")
        self.active_check = QCheckBox(_("A&ctive"), objectName="active_check")
        self.active_check.setChecked(True)
        days = QWidget()
        days_layout = QHBoxLayout(days)
        days_layout.setContentsMargins(0, 0, 0, 0)
        self.day_checks: dict[str, QCheckBox] = {}
        for code in roster.WEEKDAY_CODES:
            box = QCheckBox(_(roster.WEEKDAY_SHORT[code]), objectName=f"day_{code}")
            self.day_checks[code] = box
            days_layout.addWidget(box)
        days_note = QLabel(_("None ticked: available every day."))
        days_note.setStyleSheet("color: #555;")
        skills = QWidget()
        grid = QGridLayout(skills)
        grid.setContentsMargins(0, 0, 0, 0)
        self.skill_checks: dict[str, QCheckBox] = {}
        for i, svc in enumerate(list_services(ctx.db)):
            box = QCheckBox(svc.short or svc.name, objectName=f"skill_{svc.code}")
            box.setToolTip(svc.name)
            self.skill_checks[svc.code] = box
            grid.addWidget(box, i // 3, i % 3)
        form = QFormLayout()
        for label, widget in ((_("&Full name:"), self.name_edit), (_("&Phone:"), self.phone_edit),
                              (_("&Team:"), self.team_box), (_("&Role:"), self.role_box)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        form.addRow("", self.youth_check)
        form.addRow(_("Weekdays available:"), days)
        form.addRow("", days_note)
        form.addRow(_("Can help with:"), skills)
        form.addRow("", self.active_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, _("&Save")))
        if row:
            self.name_edit.setText(row.name)
            self.phone_edit.setText(row.phone)
            self.team_box.setCurrentIndex(max(0, self.team_box.findData(row.team_id)))
            self.role_box.setCurrentIndex(self.role_box.findData(row.role))
            self.youth_check.setChecked(row.youth_union)
            self.active_check.setChecked(row.active)
            for code in row.weekdays.split(","):
                if code in self.day_checks:
                    self.day_checks[code].setChecked(True)
            for code in row.skills.split(","):
                if code in self.skill_checks:
                    self.skill_checks[code].setChecked(True)
        else:
            self.active_check.setVisible(False)

    def values(self) -> dict:
        return dict(
            name=self.name_edit.text(), phone=self.phone_edit.text(), team_id=self.team_box.currentData(),
            role=self.role_box.currentData(), youth_union=self.youth_check.isChecked(),
            weekdays=",".join(c for c, b in self.day_checks.items() if b.isChecked()),
            skills=[c for c, b in self.skill_checks.items() if b.isChecked()],
        )

    def accept(self) -> None:
        try:
            if self.row is None:
                self.saved_id = roster.add_volunteer(self.ctx.db, self.ctx.actor, **self.values())
            else:
                roster.update_volunteer(self.ctx.db, self.ctx.actor, self.row.id, active=self.active_check.isChecked(),
                                        **self.values())
                self.saved_id = self.row.id
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        super().accept()


class ImportDialog(QDialog):
    """Choose a sheet, see row by row what will happen (errors in red), import the valid rows."""

    HEADERS = (N_("Row"), N_("Full name"), N_("Phone"), N_("Team"), N_("Weekdays"), N_("Result"))

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview: roster.ImportPreview | None = None
        self.result_counts: dict | None = None
        self.setWindowTitle(_("Import volunteers from Excel/CSV"))
        self.resize(820, 480)
        self.file_label = QLabel(_("No file chosen."), objectName="file_label")
        choose = QPushButton(_("C&hoose file…"), objectName="choose_button")
        choose.clicked.connect(self.choose)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(choose)
        self.model = QStandardItemModel(0, len(self.HEADERS), self)
        self.model.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.table = QTableView(objectName="preview_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel(objectName="summary_label")
        self.summary.setWordWrap(True)
        help_text = QLabel(_("Columns recognised: Họ và tên (required), Số điện thoại, Tổ/Đội, Ấp/Khóm, Chức vụ, "
                             "Đoàn viên (x), Kỹ năng (service codes), Ngày trực (T2, T6…)."))
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color: #555;")
        box = QDialogButtonBox()
        self.import_button = box.addButton(_("&Import valid rows"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        box.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(help_text)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(box)

    def choose(self) -> None:
        path = open_path_for_tests
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self, _("Choose the roster sheet"), "",
                                                        _("Sheets (*.xlsx *.csv)"))
        if path:
            self.load(path)

    def load(self, path) -> None:
        try:
            self.preview = roster.preview_import(self.ctx.db, path)
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        self.file_label.setText(str(path))
        self.model.removeRows(0, self.model.rowCount())
        red, green = QBrush(QColor("#b00020")), QBrush(QColor("#1b5e20"))
        for r in self.preview.rows:
            v = r.values
            clean = v.get("_clean", {})
            if r.errors:
                result = " ".join(r.errors)
            elif r.action == "update":
                result = _("updates the existing volunteer")
            else:
                result = _("new volunteer")
            cells = [str(r.line), v.get("name", ""), v.get("phone", ""), v.get("team", ""),
                     roster.weekdays_label(clean["weekdays"]) if "weekdays" in clean else v.get("weekdays", ""),
                     result]
            items = [QStandardItem(c) for c in cells]
            items[5].setForeground(red if r.errors else green)
            items[5].setToolTip(result)
            self.model.appendRow(items)
        self.table.resizeColumnsToContents()
        valid = len(self.preview.valid)
        text = _("{valid} rows will be imported; {bad} rows have errors and will be left out.").format(
            valid=valid, bad=len(self.preview.invalid))
        if self.preview.unknown_columns:
            text += " " + _("Columns ignored: {cols}.").format(cols=", ".join(self.preview.unknown_columns))
        self.summary.setText(text)
        self.import_button.setEnabled(valid > 0)

    def accept(self) -> None:
        if self.preview is None:
            return
        try:
            self.result_counts = roster.apply_import(self.ctx.db, self.ctx.actor, self.preview)
        except UserError as exc:
            messages.warning(self, self.windowTitle(), str(exc))
            return
        super().accept()


def align_center(item: QStandardItem) -> QStandardItem:
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item
