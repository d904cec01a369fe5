"""The customer's tracking link for a carrier's tracking number: from the carrier port's table once it is there
(fulfillment/carriers, contracts.md `tracking_url_for`)."""

from __future__ import annotations


def tracking_link(carrier: str, tracking_number: str | None) -> str | None:
    if not tracking_number:
        return None
    try:
        from orderworks.fulfillment.carriers import tracking_url_for
    except ImportError:  # the carrier package is not installed in this build
        return None
    try:
        from orderworks.core.settings import get_settings

        return tracking_url_for(carrier, tracking_number, base_url=get_settings().public_base_url)
    except Exception:  # noqa: BLE001 - an unknown carrier has no link, never a failed shipment
        return None
