"""A wrapped note of the today panel sized as two lines."""

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel


class PanelNote(QLabel):
    """A wrapped note of the today panel sized as two lines, without height-for-width: a wrapped label made its
    box keep its full height, and the progress table under it lost its last row ("Hỗ trợ khác") at 125 %."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return False

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(100, 2 * self.fontMetrics().lineSpacing() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()
