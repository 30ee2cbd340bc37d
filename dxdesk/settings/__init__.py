"""This database's settings: its unit (official list of QĐ 19/2025), shared business settings and backups."""
