"""Hướng dẫn QR, left: every guide by title, marked when edited, with a link to fill in or outside the official
addresses."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QStyle, QVBoxLayout, QWidget

from dxdesk.guides import sheets as guide_store
from dxdesk.guides.sheets import Guide
from dxdesk.i18n import _


class GuideList(QWidget):
    """`picked(code)` when the user chooses another guide; `select(code)` moves without saying so."""

    picked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._filling = False
        self.list = QListWidget(objectName="guide_list")
        self.list.setMinimumWidth(170)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAlternatingRowColors(True)  # multi-line titles: where one guide ends and the next begins
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(self._on_current)
        label = QLabel(_("&Guides:"))
        label.setBuddy(self.list)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(label)
        box.addWidget(self.list, 1)

    def fill(self, guides: list[Guide], domains, select: str | None) -> str:
        """Show GUIDES (DOMAINS: the allowed link hosts); select SELECT, else the first. Returns the code selected."""
        self._filling = True
        self.list.clear()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for guide in guides:
            marks = []
            if guide.overridden:
                marks.append(_("edited"))
            if any(not link.printable for link in guide.links):
                marks.append(_("link to fill in"))
            off_list = guide_store.off_list_links(guide, domains)
            if off_list:
                marks.append(_("link outside the official addresses"))
            item = QListWidgetItem(guide.title() + (f"\n({', '.join(marks)})" if marks else ""))
            item.setToolTip(", ".join(link.url for link in off_list) if off_list else guide.title())
            if off_list or any(not link.printable for link in guide.links):
                item.setIcon(warning)
            item.setData(Qt.ItemDataRole.UserRole, guide.code)
            self.list.addItem(item)
        self._filling = False
        codes = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        self.select(select if select in codes else codes[0])
        return self.current_code()

    def select(self, code: str) -> None:
        """Make CODE the current row without emitting `picked`."""
        self._filling = True
        self.list.setCurrentRow(next(i for i in range(self.list.count())
                                     if self.list.item(i).data(Qt.ItemDataRole.UserRole) == code))
        self._filling = False

    def current_code(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_current(self, item, _previous) -> None:
        if not self._filling and item is not None:
            self.picked.emit(item.data(Qt.ItemDataRole.UserRole))
