"""The service buttons: one large toggle per active service, three columns, keys 1–9 and F1–F12 in catalogue
order."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

DIGIT_KEYS = [getattr(Qt.Key, f"Key_{i}") for i in range(1, 10)]
F_KEYS = [getattr(Qt.Key, f"Key_F{i}") for i in range(1, 13)]
COLUMNS = 3


class ServiceButton(QPushButton):
    """A large toggle button: shortcut, icon and the service's short name, wrapped on two lines."""

    def __init__(self, code: str, short: str, full: str, key_text: str, icon, parent=None):
        super().__init__(parent)
        self.code = code
        self.setObjectName(f"service_{code}")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setToolTip(f"{full} ({key_text})")
        self.setAccessibleName(f"{short} ({key_text})")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(54)
        key = QLabel(key_text.split(" / ")[0])
        key.setStyleSheet("font-weight: bold; color: #35506b; background: transparent;")
        icon_label = QLabel()
        if icon is not None:
            icon_label.setPixmap(icon.pixmap(QSize(22, 22)))
        else:
            icon_label.hide()
        name = QLabel(short)
        name.setWordWrap(True)
        font = QFont(self.font())
        font.setPointSize(14)
        name.setFont(font)
        key.setFont(font)
        self.name_label = name
        for label in (key, icon_label, name):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 6, 2)
        row.addWidget(key)
        row.addWidget(icon_label)
        row.addWidget(name, 1)
        self.setStyleSheet(
            "QPushButton { border: 1px solid #8aa0b8; border-radius: 6px; background: #f6f8fb; }"
            "QPushButton:checked { background: #cfe3ff; border: 3px solid #1d5fbf; }"
            "QPushButton:focus { border: 2px dashed #1d5fbf; }"
        )


class ServiceGrid(QWidget):
    """The buttons of the services handed to `show_services`; `clicked(code)` when one is clicked."""

    clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.buttons: dict[str, ServiceButton] = {}
        self.key_map: dict[int, str] = {}
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)

    def show_services(self, services) -> None:
        """One button per service (nothing stays chosen: the entry starts over)."""
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons, self.key_map = {}, {}
        for i, svc in enumerate(services):
            keys = []
            if i < 9:
                keys.append(str(i + 1))
                self.key_map[DIGIT_KEYS[i]] = svc.code
            if i < 12:
                keys.append(f"F{i + 1}")
                self.key_map[F_KEYS[i]] = svc.code
            # No icon: Qt's stock pixmaps meant other things (a green tick on "payment", folders for wallets); the
            # key and the name are what volunteers look for.
            button = ServiceButton(svc.code, svc.short, svc.name, " / ".join(keys) or "—", None)
            button.clicked.connect(lambda checked=False, code=svc.code: self.clicked.emit(code))
            self.buttons[svc.code] = button
            self.grid.addWidget(button, i // COLUMNS, i % COLUMNS)

    def toggle(self, code: str) -> None:
        button = self.buttons[code]
        button.setChecked(not button.isChecked())

    def selected_codes(self) -> list[str]:
        return [code for code, button in self.buttons.items() if button.isChecked()]

    def names(self, codes) -> str:
        """The short names of CODES as the buttons show them, joined: what the status line says was saved."""
        return ", ".join(self.buttons[c].name_label.text() for c in codes)

    def clear(self) -> None:
        for button in self.buttons.values():
            button.setChecked(False)
