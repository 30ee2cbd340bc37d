"""Vietnamese for Qt's own texts (dialog buttons, file dialogs, the print preview): Qt ships no qtbase_vi
(PySide6's Qt/translations has no *_vi.qm, so there is nothing of Qt's to ship for Vietnamese).

The print preview (QPrintPreviewDialog) is the one dialog Qt draws itself on Windows too (the print and
page-setup dialogs there are Windows' own, in Windows' language): its toolbar is translated here."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from dxdesk.i18n import N_, _, language

# Qt source text -> our msgid (translated through the app's one catalogue).
QT_TEXTS = {
    "OK": N_("OK"), "&OK": N_("OK"), "Cancel": N_("Cancel"), "&Cancel": N_("Cancel"),
    "Yes": N_("Yes"), "&Yes": N_("Yes"), "No": N_("No"), "&No": N_("No"),
    "Save": N_("Save"), "&Save": N_("Save"), "Open": N_("Open"), "&Open": N_("Open"),
    "Close": N_("Close"), "&Close": N_("Close"), "Apply": N_("Apply"), "Reset": N_("Reset"),
    "Help": N_("Help"), "Discard": N_("Discard"), "Don't Save": N_("Don't Save"),
    "Restore Defaults": N_("Restore Defaults"), "Abort": N_("Abort"), "Retry": N_("Retry"),
    "Ignore": N_("Ignore"), "Yes to &All": N_("Yes to all"), "N&o to All": N_("No to all"),
    "Save All": N_("Save all"), "&Print": N_("Print"), "Print": N_("Print"),
    "Show Details...": N_("Show details…"), "Hide Details...": N_("Hide details…"),
    "Look in:": N_("Look in:"), "File &name:": N_("File name:"), "Files of type:": N_("Files of type:"),
    "&Undo": N_("Undo"), "&Redo": N_("Redo"), "Cu&t": N_("Cut"), "&Copy": N_("Copy"), "&Paste": N_("Paste"),
    "Delete": N_("Delete"), "Select All": N_("Select all"),
    # QPrintPreviewDialog: window title and toolbar (texts and tooltips are the same strings).
    "Print Preview": N_("Print preview"), "Next page": N_("Next page"), "Previous page": N_("Previous page"),
    "First page": N_("First page"), "Last page": N_("Last page"), "Fit width": N_("Fit width"),
    "Fit page": N_("Fit page"), "Zoom in": N_("Zoom in"), "Zoom out": N_("Zoom out"),
    "Portrait": N_("Portrait"), "Landscape": N_("Landscape"), "Show single page": N_("Show single page"),
    "Show facing pages": N_("Show facing pages"), "Show overview of all pages": N_("Show overview of all pages"),
    "Page setup": N_("Page setup"),
}


class QtVietnamese(QTranslator):
    """Answers Qt's translate() calls from the app's gettext catalogue."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 - Qt override
        # None (a null QString) means "not translated here": Qt then keeps its own text. An empty string
        # would be taken as the translation and blank out Qt's texts (and break QPageSize names).
        if language() == "en":
            return None
        msgid = QT_TEXTS.get(source_text)
        return _(msgid) if msgid else None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False
