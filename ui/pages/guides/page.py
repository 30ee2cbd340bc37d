"""Hướng dẫn QR: the guides for citizens, an editor (title, steps, links, hotline, note) with validation
messages, a live preview of the printed sheet, "restore default", print (with preview) and save as PDF. The page
is three widgets (ui/pages/guides_parts/): the list, the editor, the sheet preview; it holds what ties them.

Rendering one guide takes 10–40 ms (measured), so the preview is rendered on the UI thread after a short
pause in typing; printing every guide takes about 0.2 s.
"""

from __future__ import annotations

from dataclasses import replace

from dxdesk.reports import guides as sheets
from dxdesk.ui import messages
from dxdesk.ui.pages.guides.guide_editor import GuideEditor
from dxdesk.ui.pages.guides.guide_list import GuideList
from dxdesk.ui.pages.guides.sheet_preview import SheetPreview
from dxdesk.ui.printing import print_pdf, save_pdf
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from dxdesk.errors import UserError
from dxdesk.guides import sheets as guide_store
from dxdesk.guides.sheets import Guide, guides_to_print, sheet_info
from dxdesk.i18n import _
from dxdesk.security.permissions import allowed


class GuidesPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.current: Guide | None = None
        self._dirty = False
        self._preview_pdf: bytes | None = None
        self._guides: dict[str, Guide] = {}

        self.guide_list = GuideList()
        self.editor = GuideEditor()
        self.sheet = SheetPreview()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for index, (part, stretch) in enumerate(((self.guide_list, 0), (self.editor, 3), (self.sheet, 2))):
            splitter.addWidget(part)
            splitter.setStretchFactor(index, stretch)
        splitter.setSizes([170, 450, 260])
        splitter.setChildrenCollapsible(False)
        QVBoxLayout(self).addWidget(splitter)

        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.refresh_preview)
        self.guide_list.picked.connect(self._on_pick)
        self.editor.edited.connect(self._edited)
        self.editor.save_button.clicked.connect(self.save)
        self.editor.restore_button.clicked.connect(self.restore)
        self.sheet.changed.connect(self._schedule_preview)
        self.sheet.print_button.clicked.connect(self.print_sheets)
        self.sheet.pdf_button.clicked.connect(self.save_sheets)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_sheets)
        ctx.events.actor_changed.connect(self._apply_permissions)
        ctx.events.profile_changed.connect(self._schedule_preview)
        self.setTabOrder(self.guide_list.list, self.editor.title_vi)
        self.reload()

    def activated(self) -> None:
        """Shown again: pick up edits made meanwhile (another PC on the same database), unless mid-edit."""
        if not self._dirty:
            self.reload()

    # --- showing a guide ----------------------------------------------------------------------------------------

    def _can_edit(self) -> bool:
        return allowed(self.ctx.actor, "guide.edit")

    def _apply_permissions(self) -> None:
        self.editor.set_editable(self._can_edit(), bool(self.current and self.current.overridden))
        self.sheet.set_printable(allowed(self.ctx.actor, "guide.print"))

    def reload(self, select: str | None = None) -> None:
        """Fill the list from the database (edits over the shipped defaults) and show one guide."""
        select = select or (self.current.code if self.current else None)
        self._guides = {g.code: g for g in guide_store.list_guides(self.ctx.db)}
        code = self.guide_list.fill(list(self._guides.values()), guide_store.allowed_domains(self.ctx.db), select)
        self._show(self._guides[code])

    def _on_pick(self, code: str) -> None:
        if self.current and code == self.current.code:
            return
        if self._dirty and not messages.confirm(
            self, _("QR guides"), _("Discard the changes not saved to “{title}”?").format(title=self.current.title()),
            yes=_("Discard changes"), no=_("Keep editing"),
        ):
            self.guide_list.select(self.current.code)
            return
        self._show(self._guides[code])

    def _show(self, guide: Guide) -> None:
        self.current = guide
        state = _("Edited in this database.") if guide.overridden else _("Shipped default.")
        self.editor.show_guide(guide, _("{state} Facts checked: {when}.").format(
            state=state, when=_month_text(guide.verified_on)), _("Source: {source}").format(source=guide.source))
        self._dirty = False
        self._apply_permissions()
        self.refresh_preview()

    def _edited(self) -> None:
        self._dirty = True
        self.editor.set_problem(self.editor.links.problems(guide_store.allowed_domains(self.ctx.db)))
        self._schedule_preview()

    def _schedule_preview(self, *_args) -> None:
        self._timer.start()

    def form_guide(self) -> Guide:
        """The guide as the editor shows it now (not validated)."""
        return self.editor.guide(self.current)

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
        if self.sheet.every_guide():
            current = self._preview_guide() if for_preview else None
            return [current if current and g.code == current.code else g for g in self._guides.values()]
        return [self._preview_guide() if for_preview else self._guides[self.current.code]]

    def refresh_preview(self) -> None:
        if self.current is None:
            return
        printable, left_out = sheets.for_citizens(self._sheet_guides(True))
        if not printable:  # nothing a citizen may be handed: say why instead of a sheet with a note to staff
            self._preview_pdf = None
            self.sheet.show_text(_("Not printed for citizens: {items}.\nFill in the link and tick “checked”.").format(
                items="; ".join(item.describe() for item in left_out)))
            return
        self._preview_pdf = sheets.render(printable, self.sheet.layout_key(), sheet_info(self.ctx.db))
        self.sheet.show_pdf(self._preview_pdf)

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
            self.editor.set_problem(exc.message)
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
        self.reload(select=self.guide_list.current_code())
        self.ctx.events.status_message.emit(_("Shipped guide restored."))
        return True

    def _print_pdf(self) -> bytes | None:
        """The sheets as saved in the database (unsaved edits are not printed)."""
        if self._dirty:
            messages.info(self, _("QR guides"), _("Save the changes first: printing uses the saved guide."))
            return None
        try:
            chosen = guides_to_print(self.ctx.db, self.ctx.actor,
                                     [] if self.sheet.every_guide() else [self.current.code],
                                     self.sheet.layout_key())
            pdf, left_out = sheets.render_for(chosen), chosen.left_out
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
        name = "huong-dan-qr" if self.sheet.every_guide() else f"huong-dan-{self.current.code}"
        path = save_pdf(self, pdf, f"{name}-{self.sheet.layout_key()}.pdf")
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
