"""Trao đổi dữ liệu: export, import, opening balances, keys, settings packages, the upload sender."""
