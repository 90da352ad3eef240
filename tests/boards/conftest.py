"""Shared fixtures live in tests/conftest.py (open_round, meeting)."""
