"""Cài đặt: the unit, users, audit log and backup tabs."""
