"""Volunteers and their teams (the CLI's `volunteer`)."""
