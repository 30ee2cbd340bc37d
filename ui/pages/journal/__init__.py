"""Nhật ký: the journal page and its table model."""
