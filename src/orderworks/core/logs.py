"""Logging set-up: structlog, readable in a terminal, one JSON object per line in production."""

from __future__ import annotations

import logging

import structlog


def configure_logging(*, json: bool, level: int = logging.INFO) -> None:
    """Configure structlog once per process; `json` is `ORDERWORKS_LOG_JSON` (true in production)."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
