"""Run something right after a window's first paint (issue #16): the window is drawn first, what it needs from the
database loads behind it. Nothing here imports the database layer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer

FALLBACK_MS = 1500  # a window that is never painted (started minimised) runs it after this wait instead


class _AfterFirstPaint(QObject):
    def __init__(self, widget, fn):
        super().__init__(widget)
        self.widget, self.fn = widget, fn
        widget.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self, self.run)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if obj is self.widget and event.type() == QEvent.Type.Paint and self.fn is not None:
            self.widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self.run)  # the next turn of the loop: after this paint reached the screen
        return False

    def run(self) -> None:
        fn, self.fn = self.fn, None
        if fn is not None:
            self.widget.removeEventFilter(self)
            fn()


def call_after_first_paint(widget, fn) -> None:
    """Call FN once, in the turn of the event loop after WIDGET's first paint."""
    _AfterFirstPaint(widget, fn)
