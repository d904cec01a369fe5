"""Which subscriber hears which event: the one table the outbox relay reads (core/relay.py).

Each subscriber is idempotent through the relay (deduplicated on event id + subscriber name), so a name here is
permanent: renaming one would deliver past events to it again.
"""

from __future__ import annotations

from orderworks import billing
from orderworks.core.relay import Registry, Subscriber
from orderworks.fulfillment import subscribers as fulfillment
from orderworks.invoicing import subscribers as invoicing
from orderworks.payments import subscribers as payments

SUBSCRIBERS: Registry = {
    "PaymentCaptured": (
        Subscriber("billing.invoice_after_capture", billing.invoice_after_capture),
        Subscriber("fulfillment.ready_after_payment", fulfillment.ready_after_payment),
    ),
    "OrderPlaced": (Subscriber("fulfillment.allocate_placed_order", fulfillment.allocate_placed_order),),
    "OrderHeld": (Subscriber("fulfillment.refresh_after_hold", fulfillment.refresh_after_hold),),
    "OrderReleased": (Subscriber("fulfillment.refresh_after_release", fulfillment.refresh_after_hold),),
    "StockChanged": (Subscriber("fulfillment.allocate_received_stock", fulfillment.allocate_received_stock),),
    "PaymentRefunded": (Subscriber("billing.credit_note_for_refund", billing.credit_note_for_refund),),
    "OrderUpdated": (
        Subscriber("invoicing.reissue_after_edit", invoicing.reissue_after_edit),
        Subscriber("fulfillment.reallocate_edited_order", fulfillment.reallocate_edited_order),
    ),
    "OrderCanceled": (
        Subscriber("invoicing.void_after_cancel", invoicing.void_after_cancel),
        Subscriber("fulfillment.cancel_shipments", fulfillment.cancel_shipments),
        Subscriber("payments.void_authorizations_of_canceled_order", payments.void_authorizations_of_canceled_order,
                   own_transactions=True),
    ),
}


def subscribers_for(event_type: str) -> tuple[Subscriber, ...]:
    return tuple(SUBSCRIBERS.get(event_type, ()))
