"""Scheduled jobs: the one table of what runs on a timer.

The worker (orderworks/worker.py) runs each row as a huey periodic task on its schedule (crontab fields, UTC:
minute hour day month weekday); `orderworks jobs list` shows the table and `orderworks jobs run NAME` runs one now.

A job is a plain function `job(factory, settings, now) -> int` (how many things it did). Every job is idempotent and
safe on several workers at once: each worker's scheduler enqueues it, so it may run more than once per tick; each
unit of work re-checks its row under a lock (or replays a keyed gateway call), so the second run finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.orm import Session, sessionmaker

from orderworks.backoffice.service import delete_expired_sessions
from orderworks.core.settings import Settings
from orderworks.core.uow import UnitOfWork
from orderworks.notifications import feedback, staff
from orderworks.notifications.webhooks import delivery as webhook_delivery
from orderworks.orders.service.lifecycle import cancel_unpaid_order, unpaid_orders_past_timeout
from orderworks.payments.gateways import gateway_from_settings
from orderworks.payments.service.expiry import expire_authorization, payment_in_flight, stale_authorizations
from orderworks.payments.service.reconcile import reconcile_payments, release_stock_of_declined_orders

log = structlog.get_logger()

JobFunction = Callable[[sessionmaker[Session], Settings, datetime], int]


def cancel_unpaid_orders(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Cancel the orders left unpaid past the store's unpaid_order_timeout_minutes (off when unset)."""
    return sum(cancel_unpaid_order(UnitOfWork(factory), order_id, now=now, payment_in_flight=payment_in_flight)
               is not None for order_id in unpaid_orders_past_timeout(UnitOfWork(factory), now=now))


def expire_stale_authorizations(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Void card authorizations nothing was captured from within the store's authorization_expiry_days."""
    payment_ids = stale_authorizations(UnitOfWork(factory), now=now)
    if not payment_ids:
        return 0
    gateway = gateway_from_settings(settings)
    return sum(expire_authorization(UnitOfWork(factory), gateway, payment_id, now=now) is not None
               for payment_id in payment_ids)


def reconcile_payment_claims(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Finish gateway calls left `processing` by a crash or a timeout (asks the gateway, records once)."""
    report = reconcile_payments(UnitOfWork(factory), gateway_from_settings(settings), now=now,
                                grace=timedelta(minutes=5))
    return len(report.finished) + len(report.failed)


def release_declined_order_stock(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Put back on sale the stock of orders whose payment was declined longer ago than the store allows."""
    return len(release_stock_of_declined_orders(UnitOfWork(factory), now))


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str  # crontab fields in UTC: "minute hour day month weekday"
    run: JobFunction
    description: str


JOBS: tuple[Job, ...] = (
    Job("cancel-unpaid-orders", "*/5 * * * *", cancel_unpaid_orders,
        "Cancel orders left unpaid past the store's unpaid_order_timeout_minutes; their stock goes back on sale"),
    Job("expire-authorizations", "15 * * * *", expire_stale_authorizations,
        "Void card authorizations not captured within the store's authorization_expiry_days"),
    Job("reconcile-payments", "*/5 * * * *", reconcile_payment_claims,
        "Resolve gateway calls a crash left in progress, asking the gateway what happened"),
    Job("release-declined-stock", "*/5 * * * *", release_declined_order_stock,
        "Put back on sale the stock of orders whose payment was declined long enough ago"),
    Job("send-feedback-requests", "*/15 * * * *", feedback.send_due_feedback_requests,
        "Ask for feedback the store's feedback_request_days after delivery"),
    Job("retry-webhook-deliveries", "* * * * *", webhook_delivery.retry_due_deliveries,
        "Send again the webhook deliveries whose backoff is over"),
    Job("failed-deliveries-digest", "0 8 * * *", staff.send_failed_deliveries_digest,
        "Tell staff each morning which event deliveries were parked as failed since the last digest"),
    Job("delete-expired-staff-sessions", "30 3 * * *", delete_expired_sessions,
        "Forget back-office sessions past their expiry (they already sign nobody in)"),
)


def get_job(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


def run_job(job: Job, factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Run one job now, logging what it did."""
    done = job.run(factory, settings, now)
    log.info("job_ran", job=job.name, done=done)
    return done
