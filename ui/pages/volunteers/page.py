"""Tình nguyện viên: the roster (search, show inactive), add/edit, deactivate (never delete anyone with
history), import from an Excel/CSV sheet with a preview."""

from __future__ import annotations

from dxdesk.ui import messages
from dxdesk.ui.pages.volunteers import dialogs as volunteers_dialogs
from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from dxdesk.counting.catalogue import list_services
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.security import permissions
from dxdesk.text import fold
from dxdesk.volunteers import members as roster

COLUMNS = (N_("Full name"), N_("Phone"), N_("Team"), N_("Role"), N_("Youth Union"), N_("Can help with"),
           N_("Weekdays"), N_("Status"))
TEAM, SKILLS, STATUS = 2, 5, 7
MIN_SKILLS_WIDTH = 150  # logical px left to "Can help with" before the team column takes more


class _Table(QTableView):
    """A cell whose text is cut ("…") shows its whole text on hover; other cells their own tooltip, if any."""

    on_resize = None  # the page's column fitting, once the viewport has its new width

    def resizeEvent(self, event):  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.on_resize is not None:
            self.on_resize()

    def is_cut(self, index) -> bool:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return False
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        return self.fontMetrics().horizontalAdvance(str(text)) > self.visualRect(index).width() - 2 * margin

    def viewportEvent(self, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ToolTip:
            index = self.indexAt(event.pos())
            if index.isValid():
                own = index.data(Qt.ItemDataRole.ToolTipRole)
                tip = str(index.data(Qt.ItemDataRole.DisplayRole)) if self.is_cut(index) else ""
                if own and own != tip:
                    tip = f"{tip}\n{own}" if tip else own
                if tip:
                    QToolTip.showText(event.globalPos(), tip, self.viewport(), self.visualRect(index))
                else:
                    QToolTip.hideText()
                    event.ignore()
                return True
        return super().viewportEvent(event)


class _Filter(QSortFilterProxyModel):
    """Accent-insensitive search on name, phone and team; inactive volunteers hidden unless asked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.needle = ""
        self.show_inactive = False

    def set_filter(self, needle: str, show_inactive: bool) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+: invalidateFilter() is deprecated
            self.beginFilterChange()
            self.needle, self.show_inactive = needle, show_inactive
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.needle, self.show_inactive = needle, show_inactive
            self.invalidateFilter()

    def filterAcceptsRow(self, row, parent):  # noqa: N802 - Qt API
        model = self.sourceModel()
        item = model.item(row, 0)
        if item is None:
            return True
        if not self.show_inactive and not item.data(Qt.ItemDataRole.UserRole + 1):
            return False
        return not self.needle or self.needle in item.data(Qt.ItemDataRole.UserRole + 2)


class VolunteersPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: dict[int, roster.VolunteerRow] = {}
        self.search = QLineEdit(objectName="search_edit")
        self.search.setPlaceholderText(_("Search by name, phone or team (accents optional)"))
        self.search.setClearButtonEnabled(True)
        search_caption = QLabel(_("&Search:"))
        search_caption.setBuddy(self.search)
        self.inactive_check = QCheckBox(_("Show &inactive"), objectName="inactive_check")
        self.add_button = QPushButton(_("&Add…"), objectName="add_button")
        self.edit_button = QPushButton(_("&Edit…"), objectName="edit_button")
        self.active_button = QPushButton(_("&Deactivate"), objectName="active_button")
        self.delete_button = QPushButton(_("De&lete"), objectName="delete_button")
        self.delete_button.setToolTip(_("Only for a volunteer entered by mistake, without shifts or records."))
        self.import_button = QPushButton(_("I&mport from Excel…"), objectName="import_button")
        top = QHBoxLayout()
        top.addWidget(search_caption)
        top.addWidget(self.search, 1)
        top.addWidget(self.inactive_check)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.active_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.table = _Table(objectName="volunteer_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(SKILLS, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.table.on_resize = self._fit_columns
        self.count_label = QLabel(objectName="count_label")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.count_label)
        QWidget.setTabOrder(self.search, self.inactive_check)
        QWidget.setTabOrder(self.inactive_check, self.table)
        QWidget.setTabOrder(self.table, self.add_button)

        self.search.textChanged.connect(self._filter)
        self.inactive_check.toggled.connect(self._filter)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.active_button.clicked.connect(self.toggle_active)
        self.delete_button.clicked.connect(self.delete)
        self.import_button.clicked.connect(self.import_sheet)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, activated=self.edit)
        ctx.events.roster_changed.connect(self.reload)
        ctx.events.actor_changed.connect(self.reload)
        self.reload()

    # --- data -------------------------------------------------------------------------------------

    def reload(self) -> None:
        keep = self.selected_id()
        services = list_services(self.ctx.db, include_inactive=True)
        skills = {s.code: s.short or s.name for s in services}
        skill_names = {s.code: s.name for s in services}
        rows = roster.list_volunteers(self.ctx.db)
        self.rows = {r.id: r for r in rows}
        self.model.removeRows(0, self.model.rowCount())
        grey = QBrush(QColor("#777777"))
        for r in rows:
            cells = [r.name, r.phone, r.team, _(roster.ROLE_LABELS.get(r.role, r.role)), "✓" if r.youth_union else "",
                     ", ".join(skills.get(c, c) for c in r.skills.split(",") if c), roster.weekdays_label(r.weekdays),
                     _("Active") if r.active else _("Inactive")]
            items = [QStandardItem(c) for c in cells]
            items[0].setData(r.id, Qt.ItemDataRole.UserRole)
            items[0].setData(r.active, Qt.ItemDataRole.UserRole + 1)
            items[0].setData(fold(f"{r.name} {r.phone} {r.team}"), Qt.ItemDataRole.UserRole + 2)
            items[4].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            codes = [c for c in r.skills.split(",") if c]
            if any(skill_names.get(c, c) != skills.get(c, c) for c in codes):  # short names shown: the full ones
                items[SKILLS].setToolTip("\n".join(skill_names.get(c, c) for c in codes))
            if not r.active:
                for it in items:
                    it.setForeground(grey)
            self.model.appendRow(items)
        self._filter()
        self._fit_columns()
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Every column as wide as its contents, except: "Status" only while inactive volunteers are shown (else
        every row says the same), the team column takes what "Can help with" can spare (cut names: on hover)."""
        self.table.setColumnHidden(STATUS, not self.inactive_check.isChecked())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SKILLS, QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        others = sum(self.table.columnWidth(c) for c in range(len(COLUMNS))
                     if c not in (TEAM, SKILLS) and not self.table.isColumnHidden(c))
        room = self.table.viewport().width() - others - MIN_SKILLS_WIDTH
        self.table.setColumnWidth(TEAM, max(120, min(self.table.columnWidth(TEAM), room)))
        header.setSectionResizeMode(SKILLS, QHeaderView.ResizeMode.Stretch)

    def _filter(self) -> None:
        self.proxy.set_filter(fold(self.search.text()), self.inactive_check.isChecked())
        self._fit_columns()
        shown = self.proxy.rowCount()
        active = sum(1 for r in self.rows.values() if r.active)
        self.count_label.setText(_("{shown} shown · {active} active volunteers, {inactive} inactive").format(
            shown=shown, active=active, inactive=len(self.rows) - active))
        self._update_buttons()

    def selected_id(self) -> int | None:
        idx = self.table.currentIndex() if self.table.selectionModel().hasSelection() else None
        if idx is None or not idx.isValid():
            return None
        src = self.proxy.mapToSource(idx)
        return self.model.item(src.row(), 0).data(Qt.ItemDataRole.UserRole)

    def select(self, volunteer_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            idx = self.proxy.index(row, 0)
            if self.proxy.data(idx, Qt.ItemDataRole.UserRole) == volunteer_id:
                self.table.selectRow(row)
                self.table.setCurrentIndex(idx)
                return

    def _update_buttons(self) -> None:
        may = permissions.allowed(self.ctx.actor, "volunteer.manage")
        vid = self.selected_id()
        row = self.rows.get(vid) if vid is not None else None
        self.add_button.setEnabled(may)
        self.import_button.setEnabled(may)
        for b in (self.edit_button, self.active_button, self.delete_button):
            b.setEnabled(may and row is not None)
        self.active_button.setText(_("Re&activate") if row is not None and not row.active else _("&Deactivate"))

    # --- actions ----------------------------------------------------------------------------------

    def _changed(self, select_id: int | None = None) -> None:
        self.ctx.events.roster_changed.emit()  # reloads this page too
        if select_id is not None:
            self.select(select_id)

    def add(self) -> None:
        dialog = volunteers_dialogs.VolunteerDialog(self.ctx, None, self)
        if volunteers_dialogs.run(dialog):
            self._changed(dialog.saved_id)
            self.ctx.events.status_message.emit(_("Volunteer added."))

    def edit(self) -> None:
        vid = self.selected_id()
        if vid is None or not permissions.allowed(self.ctx.actor, "volunteer.manage"):
            return
        dialog = volunteers_dialogs.VolunteerDialog(self.ctx, self.rows[vid], self)
        if volunteers_dialogs.run(dialog):
            self._changed(vid)

    def toggle_active(self) -> None:
        vid = self.selected_id()
        if vid is None:
            return
        row = self.rows[vid]
        try:
            roster.set_active(self.ctx.db, self.ctx.actor, vid, not row.active)
        except UserError as exc:
            messages.warning(self, _("Volunteers"), str(exc))
            return
        if row.active:
            self.inactive_check.setChecked(True)  # keep the row in sight
        self._changed(vid)

    def delete(self) -> None:
        vid = self.selected_id()
        if vid is None:
            return
        row = self.rows[vid]
        if not messages.confirm(self, _("Delete volunteer"),
                                _("Delete {name}? Only a volunteer entered by mistake should be deleted.").format(
                                    name=row.name), yes=_("Delete"), no=_("Keep")):
            return
        try:
            roster.delete_volunteer(self.ctx.db, self.ctx.actor, vid)
        except UserError as exc:
            messages.warning(self, _("Delete volunteer"), str(exc))
            return
        self._changed()

    def import_sheet(self) -> None:
        dialog = volunteers_dialogs.ImportDialog(self.ctx, self)
        if volunteers_dialogs.run(dialog) and dialog.result_counts:
            c = dialog.result_counts
            self._changed()
            messages.info(self, dialog.windowTitle(),
                          _("Added {added}, updated {updated}; {skipped} rows with errors left out.").format(**c))
