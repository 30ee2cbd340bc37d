"""Shifts (Lịch trực; the CLI's `shifts`): planning the Monday/Friday counter, attendance, the shift in progress, the working calendar and iCalendar export."""
