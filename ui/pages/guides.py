"""Hướng dẫn QR: the guides for citizens, an editor (title, steps, links, hotline, note) with validation
messages, a live preview of the printed sheet, "restore default", print (with preview) and save as PDF.

Rendering one guide takes 10–40 ms (measured), so the preview is rendered on the UI thread after a short
pause in typing; printing every guide takes about 0.2 s.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dxdesk.reports import guides as sheets
from dxdesk.ui import messages
from dxdesk.ui.printing import print_pdf, render_page, save_pdf
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dxdesk import guides as guide_store
from dxdesk.errors import UserError
from dxdesk.guides import Guide, Link
from dxdesk.i18n import N_, _
from dxdesk.permissions import allowed

LAYOUT_NAMES = {
    "poster": N_("Poster (one guide per A4 page)"),
    "handout": N_("Handout (two A5 per page)"),
    "cards": N_("Cards (eight per page, cut marks)"),
    "counter": N_("Counter sheet (every service on one page)"),
}
COL_LABEL, COL_URL, COL_CHECKED = 0, 1, 2
_STEP_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.)]\s*")


def _numbered(steps) -> str:
    """Steps shown one per line with their number, so a wrapped line is not mistaken for a new step."""
    return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, start=1))


def _unnumbered(text: str) -> tuple[str, ...]:
    return tuple(_STEP_NUMBER.sub("", line).strip() for line in text.splitlines() if _STEP_NUMBER.sub("", line).strip())


class GuidesPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.current: Guide | None = None
        self._loading = False
        self._dirty = False
        self._preview_pdf: bytes | None = None

        # --- left: the guides -------------------------------------------------------------------------------
        self.list = QListWidget(objectName="guide_list")
        self.list.setMinimumWidth(170)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAlternatingRowColors(True)  # multi-line titles: where one guide ends and the next begins
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(self._on_pick)
        list_label = QLabel(_("&Guides:"))
        list_label.setBuddy(self.list)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(list_label)
        left_box.addWidget(self.list, 1)

        # --- middle: the editor ---------------------------------------------------------------------------
        self.title_vi = QLineEdit(objectName="title_vi")
        self.title_en = QLineEdit(objectName="title_en")
        self.steps_vi = QPlainTextEdit(objectName="steps_vi")
        self.steps_en = QPlainTextEdit(objectName="steps_en")
        for box in (self.steps_vi, self.steps_en):
            box.setTabChangesFocus(True)
            box.setFixedHeight(96)
        self.steps_vi.setPlaceholderText(_("One step per line, 3 to 6 steps"))
        self.steps_vi.setToolTip(_("One step per line, 3 to 6 steps"))
        self.links = QTableWidget(0, 3, objectName="links_table")
        self.links.setHorizontalHeaderLabels([_("Name"), _("Address"), "QR"])
        self.links.horizontalHeaderItem(COL_CHECKED).setToolTip(_("Checked: the sheet prints this link as a QR code"))
        header = self.links.horizontalHeader()
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.Interactive)
        self.links.setColumnWidth(COL_LABEL, 130)
        header.setSectionResizeMode(COL_URL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CHECKED, QHeaderView.ResizeMode.Fixed)
        self.links.setColumnWidth(COL_CHECKED, 36)
        self.links.verticalHeader().setVisible(False)
        self.links.verticalHeader().setDefaultSectionSize(24)
        self.links.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.links.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.links.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.links.setTabKeyNavigation(False)
        self.links.setFixedHeight(24 * 4 + 28)
        self.links.currentCellChanged.connect(self._on_link_row)
        # the selected link is edited in these fields (addresses are long: a table cell is too narrow)
        self.link_label = QLineEdit(objectName="link_label")
        self.link_url = QLineEdit(objectName="link_url")
        self.link_url.setPlaceholderText("https://…  /  tel:…")
        self.link_checked = QCheckBox(_("Address che&cked: print its QR code"), objectName="link_checked")
        self.link_label.textEdited.connect(self._on_link_field)
        self.link_url.textEdited.connect(self._on_link_field)
        self.link_checked.toggled.connect(self._on_link_field)
        self.add_link = QPushButton(_("&Add link"), objectName="add_link")
        self.remove_link = QPushButton(_("Remo&ve link"), objectName="remove_link")
        self.add_link.clicked.connect(self._add_link_row)
        self.remove_link.clicked.connect(self._remove_link_row)
        link_buttons = QHBoxLayout()
        link_buttons.addWidget(self.add_link)
        link_buttons.addWidget(self.remove_link)
        link_buttons.addStretch(1)
        self.hotline = QLineEdit(objectName="hotline")
        self.note_vi = QLineEdit(objectName="note_vi")
        self.note_vi.setPlaceholderText(_("Printed as text, e.g. an SMS instruction"))
        self.status = QLabel(objectName="guide_status")
        self.status.setWordWrap(True)
        self.problem = QLabel(objectName="guide_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._buddy(_("&Title:"), self.title_vi), self.title_vi)
        form.addRow(self._buddy(_("Title (&English):"), self.title_en), self.title_en)
        form.addRow(self._buddy(_("&Steps:"), self.steps_vi), self.steps_vi)
        form.addRow(self._buddy(_("Steps (E&nglish):"), self.steps_en), self.steps_en)
        form.addRow(self._buddy(_("&Links:"), self.links), self.links)
        form.addRow("", link_buttons)
        form.addRow(self._buddy(_("Link na&me:"), self.link_label), self.link_label)
        form.addRow(self._buddy(_("Add&ress:"), self.link_url), self.link_url)
        form.addRow("", self.link_checked)
        form.addRow(self._buddy(_("&Hotline:"), self.hotline), self.hotline)
        form.addRow(self._buddy(_("N&ote:"), self.note_vi), self.note_vi)
        editor = QWidget()
        editor_box = QVBoxLayout(editor)
        editor_box.setContentsMargins(0, 0, 4, 0)
        editor_box.addWidget(self.status)
        editor_box.addLayout(form)
        editor_box.addStretch(1)
        scroll = QScrollArea(objectName="guide_editor")
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.save_button = QPushButton(_("Sa&ve changes"), objectName="save_guide")
        self.restore_button = QPushButton(_("&Restore default"), objectName="restore_guide")
        self.save_button.clicked.connect(self.save)
        self.restore_button.clicked.connect(self.restore)
        edit_buttons = QHBoxLayout()
        edit_buttons.addWidget(self.save_button)
        edit_buttons.addWidget(self.restore_button)
        edit_buttons.addStretch(1)
        middle = QWidget()
        middle_box = QVBoxLayout(middle)
        middle_box.setContentsMargins(0, 0, 0, 0)
        middle_box.addWidget(scroll, 1)
        middle_box.addWidget(self.problem)  # outside the scroll area: always in view
        middle_box.addLayout(edit_buttons)

        # --- right: preview and printing -----------------------------------------------------------------
        self.layout_box = QComboBox(objectName="layout_box")
        for key in sheets.LAYOUTS:
            self.layout_box.addItem(_(LAYOUT_NAMES[key]), key)
        self.layout_box.currentIndexChanged.connect(self._schedule_preview)
        self.all_guides = QCheckBox(_("Print &every guide"), objectName="all_guides")
        self.all_guides.toggled.connect(self._schedule_preview)
        self.preview = QLabel(objectName="guide_preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(220, 300)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet("background: #808080;")
        self.print_button = QPushButton(_("&Print…"), objectName="print_guides")
        self.pdf_button = QPushButton(_("Save P&DF…"), objectName="save_guides_pdf")
        self.print_button.clicked.connect(self.print_sheets)
        self.pdf_button.clicked.connect(self.save_sheets)
        layout_label = QLabel(_("La&yout:"))
        layout_label.setBuddy(self.layout_box)
        print_buttons = QHBoxLayout()
        print_buttons.addWidget(self.print_button)
        print_buttons.addWidget(self.pdf_button)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(layout_label)
        right_box.addWidget(self.layout_box)
        right_box.addWidget(self.all_guides)
        right_box.addWidget(self.preview, 1)
        right_box.addLayout(print_buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(middle)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([170, 450, 260])
        splitter.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.addWidget(splitter)

        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.refresh_preview)
        for widget in (self.title_vi, self.title_en, self.hotline, self.note_vi):
            widget.textEdited.connect(self._edited)
        for widget in (self.steps_vi, self.steps_en):
            widget.textChanged.connect(self._edited)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_sheets)
        ctx.events.actor_changed.connect(self._apply_permissions)
        ctx.events.profile_changed.connect(self._schedule_preview)
        self.setTabOrder(self.list, self.title_vi)
        self.reload()

    def activated(self) -> None:
        """Shown again: pick up edits made meanwhile (another PC on the same database), unless mid-edit."""
        if not self._dirty:
            self.reload()

    # --- helpers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _can_edit(self) -> bool:
        return allowed(self.ctx.actor, "guide.edit")

    def _apply_permissions(self) -> None:
        editable = self._can_edit()
        for widget in (self.title_vi, self.title_en, self.hotline, self.note_vi):
            widget.setReadOnly(not editable)
        for box in (self.steps_vi, self.steps_en):
            box.setReadOnly(not editable)
        self.link_label.setReadOnly(not editable)
        self.link_url.setReadOnly(not editable)
        for widget in (self.add_link, self.remove_link, self.save_button, self.link_checked):
            widget.setEnabled(editable)
        self.restore_button.setEnabled(editable and bool(self.current and self.current.overridden))
        printable = allowed(self.ctx.actor, "guide.print")
        self.print_button.setEnabled(printable)
        self.pdf_button.setEnabled(printable)
        self._load_link_fields()

    def reload(self, select: str | None = None) -> None:
        """Fill the list from the database (edits over the shipped defaults) and show one guide."""
        select = select or (self.current.code if self.current else None)
        self._guides = {g.code: g for g in guide_store.list_guides(self.ctx.db)}
        self._loading = True
        self.list.clear()
        domains = guide_store.allowed_domains(self.ctx.db)
        for guide in self._guides.values():
            marks = []
            if guide.overridden:
                marks.append(_("edited"))
            if any(not link.printable for link in guide.links):
                marks.append(_("link to fill in"))
            off_list = guide_store.off_list_links(guide, domains)
            if off_list:
                marks.append(_("link outside the official addresses"))
            text = guide.title() + (f"\n({', '.join(marks)})" if marks else "")
            item = QListWidgetItem(text)
            if off_list:
                item.setToolTip(", ".join(link.url for link in off_list))
            if off_list or any(not link.printable for link in guide.links):
                item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setData(Qt.ItemDataRole.UserRole, guide.code)
            if not off_list:
                item.setToolTip(guide.title())
            self.list.addItem(item)
        self._loading = False
        row = next((i for i in range(self.list.count())
                    if self.list.item(i).data(Qt.ItemDataRole.UserRole) == select), 0)
        self.list.setCurrentRow(row)
        self._show(self._guides[self.list.item(row).data(Qt.ItemDataRole.UserRole)])

    def _on_pick(self, item, _previous) -> None:
        if self._loading or item is None:
            return
        code = item.data(Qt.ItemDataRole.UserRole)
        if self.current and code == self.current.code:
            return
        if self._dirty and not messages.confirm(
            self, _("QR guides"), _("Discard the changes not saved to “{title}”?").format(title=self.current.title()),
            yes=_("Discard changes"), no=_("Keep editing"),
        ):
            self._loading = True
            self.list.setCurrentRow(next(i for i in range(self.list.count())
                                         if self.list.item(i).data(Qt.ItemDataRole.UserRole) == self.current.code))
            self._loading = False
            return
        self._show(self._guides[code])

    def _show(self, guide: Guide) -> None:
        self._loading = True
        self.current = guide
        self.title_vi.setText(guide.title_vi)
        self.title_en.setText(guide.title_en)
        self.steps_vi.setPlainText(_numbered(guide.steps_vi))
        self.steps_en.setPlainText(_numbered(guide.steps_en))
        self.links.setRowCount(0)
        for link in guide.links:
            self._append_link(link)
        self.links.setCurrentCell(0 if guide.links else -1, COL_LABEL)
        self._load_link_fields()
        self.hotline.setText(guide.hotline)
        self.note_vi.setText(guide.note_vi)
        state = _("Edited in this database.") if guide.overridden else _("Shipped default.")
        self.status.setText(_("{state} Facts checked: {when}.").format(state=state, when=_month_text(guide.verified_on)))
        self.status.setToolTip(_("Source: {source}").format(source=guide.source))
        self._set_problem("")
        self._loading = False
        self._dirty = False
        self._apply_permissions()
        self.refresh_preview()

    def _append_link(self, link: Link) -> None:
        row = self.links.rowCount()
        self.links.insertRow(row)
        label = QTableWidgetItem(link.label_vi)
        label.setData(Qt.ItemDataRole.UserRole, (link.label_en, link.evidence))
        self.links.setItem(row, COL_LABEL, label)
        url = QTableWidgetItem(link.url)
        url.setToolTip(link.url)
        self.links.setItem(row, COL_URL, url)
        checked = QTableWidgetItem()
        checked.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        checked.setCheckState(Qt.CheckState.Checked if link.verified else Qt.CheckState.Unchecked)
        self.links.setItem(row, COL_CHECKED, checked)

    def _load_link_fields(self) -> None:
        row = self.links.currentRow()
        has_row = row >= 0
        was_loading, self._loading = self._loading, True
        self.link_label.setText(self.links.item(row, COL_LABEL).text() if has_row else "")
        self.link_url.setText(self.links.item(row, COL_URL).text() if has_row else "")
        self.link_checked.setChecked(has_row and self.links.item(row, COL_CHECKED).checkState() == Qt.CheckState.Checked)
        self._loading = was_loading
        editable = self._can_edit() and has_row
        for widget in (self.link_label, self.link_url, self.link_checked, self.remove_link):
            widget.setEnabled(editable)

    def _on_link_row(self, *_args) -> None:
        if not self._loading:
            self._load_link_fields()

    def _on_link_field(self, *_args) -> None:
        row = self.links.currentRow()
        if self._loading or row < 0:
            return
        self.links.item(row, COL_LABEL).setText(self.link_label.text())
        self.links.item(row, COL_URL).setText(self.link_url.text().strip())
        self.links.item(row, COL_CHECKED).setCheckState(
            Qt.CheckState.Checked if self.link_checked.isChecked() else Qt.CheckState.Unchecked)
        self._edited()

    def _add_link_row(self) -> None:
        if self.links.rowCount() >= guide_store.MAX_LINKS:
            self._set_problem(_("A guide has at most {n} links.").format(n=guide_store.MAX_LINKS))
            return
        self._loading = True
        self._append_link(Link(_("New link"), "", "", False))
        self._loading = False
        self.links.setCurrentCell(self.links.rowCount() - 1, COL_LABEL)
        self._load_link_fields()
        self.link_url.setFocus()
        self._edited()

    def _remove_link_row(self) -> None:
        row = self.links.currentRow()
        if row >= 0:
            self.links.removeRow(row)
            self._load_link_fields()
            self._edited()

    def _set_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _link_problems(self) -> str:
        """Live check of the link addresses as they are typed (the full check runs on save)."""
        for row in range(self.links.rowCount()):
            url = (self.links.item(row, COL_URL).text() or "").strip()
            label = self.links.item(row, COL_LABEL).text()
            if url:
                try:
                    guide_store.validate_url(url, guide_store.allowed_domains(self.ctx.db))
                except UserError as exc:
                    return _("Link {n} ({label}): {reason}").format(n=row + 1, label=label, reason=exc.message)
        return ""

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        self._dirty = True
        self._set_problem(self._link_problems())
        self._schedule_preview()

    def _schedule_preview(self, *_args) -> None:
        if not self._loading:
            self._timer.start()

    def form_guide(self) -> Guide:
        """The guide as the form shows it now (not validated)."""
        links = []
        for row in range(self.links.rowCount()):
            label = self.links.item(row, COL_LABEL)
            label_en, evidence = label.data(Qt.ItemDataRole.UserRole) or ("", "")
            links.append(Link(
                label_vi=label.text(), label_en=label_en, url=(self.links.item(row, COL_URL).text() or "").strip(),
                verified=self.links.item(row, COL_CHECKED).checkState() == Qt.CheckState.Checked, evidence=evidence,
            ))
        lines = lambda box: _unnumbered(box.toPlainText())  # noqa: E731
        return replace(
            self.current, title_vi=self.title_vi.text(), title_en=self.title_en.text(),
            steps_vi=lines(self.steps_vi), steps_en=lines(self.steps_en), links=tuple(links),
            hotline=self.hotline.text(), note_vi=self.note_vi.text(),
        )

    def _preview_guide(self) -> Guide:
        """What the preview draws: the form, with any link that does not pass the check shown as 'to fill in'."""
        guide = self.form_guide()
        safe = []
        for link in guide.links:
            ok = True
            if link.url:
                try:
                    guide_store.validate_url(link.url, guide_store.allowed_domains(self.ctx.db))
                except UserError:
                    ok = False
            safe.append(link if ok else replace(link, verified=False))
        return replace(guide, links=tuple(safe), title_vi=guide.title_vi or " ",
                       steps_vi=guide.steps_vi or (" ",))

    def _sheet_guides(self, for_preview: bool) -> list[Guide]:
        if self.all_guides.isChecked():
            current = self._preview_guide() if for_preview else None
            return [current if current and g.code == current.code else g for g in self._guides.values()]
        return [self._preview_guide() if for_preview else self._guides[self.current.code]]

    def refresh_preview(self) -> None:
        if self.current is None:
            return
        layout = self.layout_box.currentData()
        printable, left_out = sheets.for_citizens(self._sheet_guides(True))
        if not printable:  # nothing a citizen may be handed: say why instead of a sheet with a note to staff
            self._preview_pdf = None
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_("Not printed for citizens: {items}.\nFill in the link and tick “checked”.").format(
                items="; ".join(item.describe() for item in left_out)))
            self.preview.setWordWrap(True)
            return
        pdf = sheets.render(printable, layout, sheets.sheet_info(self.ctx.db))
        self._preview_pdf = pdf
        dpi = 72 * max(1.0, self.preview.height() / 842) * self.devicePixelRatioF()
        image = render_page(pdf, 0, dpi)
        if image is None:
            self.preview.setText(_("No preview."))
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.preview.setPixmap(pixmap.scaled(
            self.preview.size() * self.devicePixelRatioF(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._schedule_preview()

    # --- actions ---------------------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.current is None or not self._can_edit():
            return False
        try:
            saved = guide_store.save_guide(self.ctx.db, self.ctx.actor, self.form_guide())
        except UserError as exc:
            self._set_problem(exc.message)
            messages.warning(self, _("QR guides"), _("Not saved: {reason}").format(reason=exc.message))
            return False
        self._dirty = False
        self.current = saved
        self.ctx.events.status_message.emit(_("Guide “{title}” saved.").format(title=saved.title()))
        self.reload(select=saved.code)
        return True

    def restore(self) -> bool:
        if self.current is None or not self.current.overridden:
            return False
        if not messages.confirm(self, _("QR guides"),
                                _("Throw away the edits of “{title}” and print the shipped guide again?").format(
                                    title=self.current.title()),
                                yes=_("Restore default"), no=_("Cancel")):
            return False
        try:
            guide_store.restore_default(self.ctx.db, self.ctx.actor, self.current.code)
        except UserError as exc:
            messages.warning(self, _("QR guides"), exc.message)
            return False
        self._dirty = False
        self.current = None
        code = self.list.currentItem().data(Qt.ItemDataRole.UserRole)
        self.reload(select=code)
        self.ctx.events.status_message.emit(_("Shipped guide restored."))
        return True

    def _print_pdf(self) -> bytes | None:
        """The sheets as saved in the database (unsaved edits are not printed)."""
        if self._dirty:
            messages.info(self, _("QR guides"), _("Save the changes first: printing uses the saved guide."))
            return None
        try:
            pdf, _guides, left_out = sheets.render_for(self.ctx.db, self.ctx.actor,
                                                       [] if self.all_guides.isChecked() else [self.current.code],
                                                       self.layout_box.currentData())
        except UserError as exc:
            messages.warning(self, _("QR guides"), exc.message)
            return None
        # A citizen's sheet never carries a note to staff: guides (or links) not filled in are left out, said here.
        if left_out and not messages.confirm(
                self, _("QR guides"),
                _("Left out of the sheets because the link is not filled in yet:\n{items}\n\nPrint the others?").format(
                    items="\n".join("• " + item.describe() for item in left_out)),
                yes=_("Print the others"), no=_("Cancel")):
            return None
        return pdf

    def print_sheets(self) -> bool:
        pdf = self._print_pdf()
        return bool(pdf) and print_pdf(self, pdf, _("QR guides"))

    def save_sheets(self):
        pdf = self._print_pdf()
        if not pdf:
            return None
        name = "huong-dan-qr" if self.all_guides.isChecked() else f"huong-dan-{self.current.code}"
        path = save_pdf(self, pdf, f"{name}-{self.layout_box.currentData()}.pdf")
        if path:
            self.ctx.events.status_message.emit(_("Saved {path}.").format(path=path))
        return path


def _month_text(value: str) -> str:
    """'2026-02' as Vietnamese write it (02/2026); anything else as it is."""
    parts = value.split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{parts[1]}/{parts[0]}"
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    return value
