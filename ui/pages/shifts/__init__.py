"""Lịch trực: the shift schedule page, its grid, dialogs and weekly rule."""
