"""Shared kernel: money, errors, database, unit of work, outbox, ids, clock, settings."""
