"""Which buttons the order page shows, from the order's and payments' rules (pure). A button also needs the
staff member's role to allow it: the templates check that with `can(...)`."""

from __future__ import annotations

from dataclasses import dataclass

from orderworks.orders.rules.status import ORDER_TRANSITIONS, FulfillmentStatus, OrderStatus, can_edit
from orderworks.payments.rules import PAYMENT_TRANSITIONS, PaymentAmounts, PaymentState, capture_target

S = OrderStatus


@dataclass(frozen=True)
class PaymentButtons:
    capture: bool
    void: bool
    refund: bool


@dataclass(frozen=True)
class OrderButtons:
    hold: bool
    release: bool
    cancel: bool
    edit: bool
    reorder: bool
    place: bool
    take_payment: bool  # Charge a card / Record offline payment


def payment_buttons(state: str, amounts: PaymentAmounts, *, busy: bool) -> PaymentButtons:
    """`busy`: a gateway call on this payment is in flight, so nothing else may start."""
    current = PaymentState(state)
    if busy:
        return PaymentButtons(False, False, False)
    capture = amounts.capturable > 0 and PAYMENT_TRANSITIONS.can(
        current, capture_target(amounts, amounts.capturable, final=True))
    void = PAYMENT_TRANSITIONS.can(current, PaymentState.VOIDED) and amounts.captured == 0
    refund = amounts.refundable > 0 and bool(PAYMENT_TRANSITIONS.targets(current) & {
        PaymentState.REFUNDED, PaymentState.PARTIALLY_REFUNDED})
    return PaymentButtons(capture, void, refund)


def order_buttons(status: str, payment_status: str, fulfillment_status: str, *, open_amount: int) -> OrderButtons:
    current = S(status)
    unshipped = fulfillment_status == FulfillmentStatus.UNFULFILLED
    return OrderButtons(
        hold=ORDER_TRANSITIONS.can(current, S.ON_HOLD),
        release=current == S.ON_HOLD,
        cancel=ORDER_TRANSITIONS.can(current, S.CANCELED) and unshipped,
        edit=can_edit(status, payment_status, fulfillment_status),
        reorder=current != S.DRAFT,
        place=current == S.DRAFT,
        take_payment=current not in (S.DRAFT, S.CANCELED, S.CLOSED) and open_amount > 0,
    )


@dataclass(frozen=True)
class ShipmentButtons:
    ship: bool  # Ship with carrier and tracking number
    buy_label: bool
    deliver: bool  # Mark delivered
    packing_slip: bool


def shipment_buttons(status: str, *, has_label: bool, label_in_flight: bool) -> ShipmentButtons:
    """From the shipment status table (fulfillment.rules); a label is bought once per package."""
    from orderworks.fulfillment.rules import SHIPMENT_TRANSITIONS, SHIPPABLE_STATUSES, ShipmentStatus

    current = ShipmentStatus(status)
    shippable = current in SHIPPABLE_STATUSES
    return ShipmentButtons(
        ship=shippable,
        buy_label=shippable and not has_label and not label_in_flight,
        deliver=SHIPMENT_TRANSITIONS.can(current, ShipmentStatus.DELIVERED),
        packing_slip=current != ShipmentStatus.CANCELED,
    )
