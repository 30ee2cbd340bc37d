"""PDF, image and QR rendering: functions from data to bytes (no Qt)."""
