"""Báo cáo: the reports page, its tabs (targets, breakdown, register) and widgets."""
