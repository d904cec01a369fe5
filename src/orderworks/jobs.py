"""Scheduled jobs: the one table of what runs on a timer (filled by the worker issue)."""
