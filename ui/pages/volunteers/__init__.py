"""Tình nguyện viên: the volunteers page and its dialogs."""
