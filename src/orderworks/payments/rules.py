"""Payment rules, pure: the payment status table, the amounts and status a payment has by its ledger, the order's
payment status and balance due, and the refund amount of order lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from orderworks.core.money import round_half_up
from orderworks.core.transitions import Transitions
from orderworks.orders.rules.status import PaymentStatus, derive_payment_status


class PaymentState(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PARTIALLY_CAPTURED = "partially_captured"
    CAPTURED = "captured"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"


class Method(StrEnum):
    CARD = "card"
    CHECK = "check"
    MONEY_ORDER = "money_order"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    COD = "cod"


OFFLINE_METHODS = frozenset(Method) - {Method.CARD}
OFFLINE = "offline"  # the gateway name of a payment the seller received by hand


class Kind(StrEnum):
    """What a ledger row records: one gateway call, or one offline receipt."""

    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"
    OFFLINE = "offline"


class TxnStatus(StrEnum):
    PROCESSING = "processing"  # claimed: the gateway call may or may not have happened yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class PaymentMode(StrEnum):
    AUTHORIZE = "authorize"
    AUTHORIZE_AND_CAPTURE = "authorize_and_capture"


P = PaymentState
PAYMENT_TRANSITIONS = Transitions({
    P.PENDING: {P.AUTHORIZED, P.CAPTURED, P.FAILED},
    P.AUTHORIZED: {P.PARTIALLY_CAPTURED, P.CAPTURED, P.VOIDED},
    P.PARTIALLY_CAPTURED: {P.PARTIALLY_CAPTURED, P.CAPTURED, P.PARTIALLY_REFUNDED, P.REFUNDED},
    P.CAPTURED: {P.PARTIALLY_REFUNDED, P.REFUNDED},
    P.PARTIALLY_REFUNDED: {P.PARTIALLY_REFUNDED, P.REFUNDED},
    P.REFUNDED: set(),
    P.VOIDED: set(),
    P.FAILED: set(),
}, entity="payment")


@dataclass(frozen=True)
class LedgerEntry:
    kind: str
    status: str
    amount: int
    with_capture: bool = False  # an authorization that captured in the same call (a sale)
    final: bool = False  # a capture after which the gateway releases the rest of the authorization


@dataclass(frozen=True)
class PaymentAmounts:
    authorized: int
    captured: int
    refunded: int
    voided: bool
    failed: bool
    capture_closed: bool

    @property
    def capturable(self) -> int:
        if self.voided or self.capture_closed:
            return 0
        return max(self.authorized - self.captured, 0)

    @property
    def refundable(self) -> int:
        return self.captured - self.refunded


def derive_amounts(entries: Iterable[LedgerEntry]) -> PaymentAmounts:
    """What a payment holds, from its succeeded ledger rows (claims in processing count for nothing yet)."""
    authorized = captured = refunded = 0
    voided = failed = closed = False
    for e in entries:
        if e.status == TxnStatus.FAILED and e.kind == Kind.AUTHORIZE:
            failed = True
        if e.status != TxnStatus.SUCCEEDED:
            continue
        if e.kind in (Kind.AUTHORIZE, Kind.OFFLINE):
            authorized += e.amount
            if e.with_capture or e.kind == Kind.OFFLINE:
                captured += e.amount
                closed = True
        elif e.kind == Kind.CAPTURE:
            captured += e.amount
            closed = closed or e.final
        elif e.kind == Kind.REFUND:
            refunded += e.amount
        elif e.kind == Kind.VOID:
            voided = True
    return PaymentAmounts(authorized, captured, refunded, voided, failed, closed)


def derive_state(a: PaymentAmounts) -> PaymentState:
    """A payment's status is a function of its amounts, never set by hand."""
    if a.refunded:
        return P.REFUNDED if a.refunded >= a.captured else P.PARTIALLY_REFUNDED
    if a.voided:
        return P.VOIDED
    if a.captured:
        return P.CAPTURED if a.capturable == 0 else P.PARTIALLY_CAPTURED
    if a.authorized:
        return P.AUTHORIZED
    return P.FAILED if a.failed else P.PENDING


def capture_target(a: PaymentAmounts, amount: int, *, final: bool) -> PaymentState:
    return P.CAPTURED if final or amount >= a.capturable else P.PARTIALLY_CAPTURED


def refund_target(a: PaymentAmounts, amount: int) -> PaymentState:
    return P.REFUNDED if amount >= a.refundable else P.PARTIALLY_REFUNDED


@dataclass(frozen=True)
class OrderMoney:
    """The order's money summary across all its payments (split tender)."""

    payment_status: PaymentStatus
    balance_due: int
    open_amount: int  # what a new payment may still take: total less net captured and open authorizations


def derive_order_money(total: int, payments: Iterable[tuple[PaymentState, PaymentAmounts]], *,
                       pending: int = 0) -> OrderMoney:
    """`pending`: what payments still waiting for the gateway's answer ask for. They do not count as paid, but a
    new payment may not take it too (both could succeed)."""
    authorized = captured = refunded = 0
    failed = voided = False
    for state, a in payments:
        authorized += a.capturable
        captured += a.captured
        refunded += a.refunded
        failed = failed or state == P.FAILED
        voided = voided or state == P.VOIDED
    status = derive_payment_status(total, authorized, captured, refunded, failed=failed, voided=voided)
    balance = max(total - (captured - refunded), 0)
    return OrderMoney(status, balance, max(balance - authorized - pending, 0))


def line_refund_amount(line_total: int, line_quantity: int, quantity: int) -> int:
    """A line's share of a refund: its total (after discount, with tax) pro rata to the units refunded."""
    if quantity >= line_quantity:
        return line_total
    return round_half_up(Decimal(line_total) * quantity / line_quantity)
