"""The widgets the Trao đổi dữ liệu page is made of: sending a period's package up, rolling packages up, the
progress of the running job, the upload queue (the settings-package row is ui/settings_package_dialog.py)."""
