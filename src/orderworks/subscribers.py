"""Which subscriber hears which event: the one table the outbox relay reads (core/relay.py).

Each subscriber is idempotent through the relay (deduplicated on event id + subscriber name), so a name here is
permanent: renaming one would deliver past events to it again.
"""

from __future__ import annotations

from orderworks import billing
from orderworks.core.relay import ALL_EVENTS, Registry, Subscriber, subscribers_of
from orderworks.fulfillment import subscribers as fulfillment
from orderworks.invoicing import subscribers as invoicing
from orderworks.notifications import messages as mail
from orderworks.notifications import subscribers as notifications
from orderworks.notifications.webhooks import delivery as webhooks
from orderworks.payments import subscribers as payments

SUBSCRIBERS: Registry = {
    "OrderPlaced": (
        Subscriber("fulfillment.allocate_placed_order", fulfillment.allocate_placed_order),
        notifications.email(mail.ORDER_CONFIRMATION),
    ),
    "OrderHeld": (
        Subscriber("fulfillment.refresh_after_hold", fulfillment.refresh_after_hold),
        notifications.email(mail.STAFF_ORDER_HELD),
    ),
    "OrderReleased": (Subscriber("fulfillment.refresh_after_release", fulfillment.refresh_after_hold),),
    "OrderUpdated": (
        Subscriber("invoicing.reissue_after_edit", invoicing.reissue_after_edit),
        Subscriber("fulfillment.reallocate_edited_order", fulfillment.reallocate_edited_order),
    ),
    "OrderCanceled": (
        Subscriber("invoicing.void_after_cancel", invoicing.void_after_cancel),
        Subscriber("fulfillment.cancel_shipments", fulfillment.cancel_shipments),
        Subscriber("payments.void_authorizations_of_canceled_order", payments.void_authorizations_of_canceled_order,
                   own_transactions=True),
        notifications.email(mail.CANCELED),
    ),
    "StockChanged": (Subscriber("fulfillment.allocate_received_stock", fulfillment.allocate_received_stock),),
    "PaymentCaptured": (
        Subscriber("billing.invoice_after_capture", billing.invoice_after_capture),
        Subscriber("fulfillment.ready_after_payment", fulfillment.ready_after_payment),
    ),
    "PaymentRefunded": (
        Subscriber("billing.credit_note_for_refund", billing.credit_note_for_refund),
        notifications.email(mail.REFUNDED),
    ),
    "PaymentFailed": (notifications.email(mail.PAYMENT_DECLINED), notifications.email(mail.STAFF_PAYMENT_FAILED)),
    "InvoiceIssued": (notifications.email(mail.INVOICE),),
    "InvoiceResent": (notifications.email(mail.INVOICE),),  # staff's "Resend": the same email, for this request
    # Emails (notifications.email: claimed, sent and marked once per event; retried by the relay's backoff)
    "OrderBackordered": (notifications.email(mail.BACKORDERED), notifications.email(mail.STAFF_BACKORDER)),
    "ShipmentShipped": (notifications.email(mail.SHIPPED),),
    "DigitalGoodsDelivered": (notifications.email(mail.DIGITAL_GOODS),),
    "ShipmentTrackingUpdated": (notifications.email(mail.DELIVERY_UPDATE),),  # out for delivery, a problem
    "ShipmentDelivered": (
        notifications.email(mail.DELIVERED),
        Subscriber("notifications.feedback.schedule", notifications.record_delivery_for_feedback),
    ),
    "WebhookEndpointDisabled": (notifications.email(mail.STAFF_WEBHOOK_DISABLED),),  # from notifications.webhooks
    # Every event, to the seller's webhook endpoints that want it (the event type table: notifications/webhooks).
    ALL_EVENTS: (Subscriber("webhooks.deliver", webhooks.deliver_event, own_transactions=True),),
}

def subscribers_for(event_type: str) -> tuple[Subscriber, ...]:
    return subscribers_of(SUBSCRIBERS, event_type)
