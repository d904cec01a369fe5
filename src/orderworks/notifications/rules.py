"""Pure rules of the notifications: email statuses, when a claimed email may be sent again, when the feedback
request is due, which locale folders a message is looked up in, and what a declined customer should do."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum

# A claim younger than this may still be in the middle of its SMTP conversation: wait rather than send again.
CLAIM_STALE_AFTER = timedelta(seconds=60)
FEEDBACK_CLAIM = timedelta(minutes=5)


class EmailStatus(StrEnum):
    SENDING = "sending"  # claimed: about to go out, or a crash left it there
    SENT = "sent"
    FAILED = "failed"  # the last attempt failed; the relay (or the job) tries again


class Audience(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


def can_send_again(status: str, claimed_at: datetime, at: datetime) -> bool:
    """Whether a claimed email may be (re)sent now: never once sent; a failed one at once; one left `sending`
    only when its claim is stale (its sender crashed), never while a live sender may still be talking to SMTP."""
    if status == EmailStatus.SENT:
        return False
    if status == EmailStatus.FAILED:
        return True
    return at - claimed_at >= CLAIM_STALE_AFTER


def feedback_due_at(delivered_at: datetime, days: int) -> datetime | None:
    """When the later feedback request goes out; None when the store sends none (0 days)."""
    return delivered_at + timedelta(days=days) if days > 0 else None


def message_id(key: str, mail_from: str) -> str:
    """A Message-ID derived from the email's key: a resend after a crash carries the same one, so a mail client
    shows one message."""
    domain = mail_from.rpartition("@")[2].strip("> ") or "orderworks.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def locale_chain(locale: str) -> list[str]:
    """Template folders to try, most specific first, always ending in English: de_AT -> de_AT, de, en."""
    normalized = locale.replace("-", "_")
    chain = [normalized, normalized.split("_")[0], "en"]
    return list(dict.fromkeys(c for c in chain if c))


# What a declined customer can do, by the gateway's decline code (the template words each advice).
DECLINE_ADVICE = {
    "insufficient_funds": "other_card",
    "expired_card": "check_card",
    "incorrect_cvc": "check_card",
    "incorrect_number": "check_card",
    "generic_decline": "call_bank",
    "do_not_honor": "call_bank",
    "card_declined": "call_bank",
}


def decline_advice(decline_code: str | None) -> str:
    return DECLINE_ADVICE.get(decline_code or "", "retry")


def is_unpaid_timeout(reason: str) -> bool:
    """Whether an order was canceled by the unpaid-order rule rather than by a person (its reason says so)."""
    return "unpaid" in reason.lower() or "not paid" in reason.lower()
