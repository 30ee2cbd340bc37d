"""Data shipped with dxdesk: catalogue, unit list, fonts, translations, icons (read via importlib.resources)."""
