"""Hướng dẫn QR: the guides page and its widgets."""
