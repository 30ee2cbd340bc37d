"""Quầy: the counter page and its widgets and dialogs."""
