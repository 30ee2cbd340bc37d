"""Qt widgets of dxdesk (the only layer that imports PySide6 widgets)."""
