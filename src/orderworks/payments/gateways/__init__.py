"""Payment gateways behind one port: the built-in test gateway and Stripe."""

from __future__ import annotations

from orderworks.core.settings import Settings
from orderworks.payments.gateways.port import PaymentGateway


def gateway_from_settings(settings: Settings) -> PaymentGateway:
    """The gateway this process talks to (ORDERWORKS_PAYMENT_GATEWAY: test or stripe)."""
    if settings.payment_gateway == "stripe":
        from orderworks.payments.gateways.stripe import StripeGateway

        return StripeGateway(api_key=settings.stripe_api_key or "", api_base=settings.stripe_api_base)
    from orderworks.payments.gateways.test import TestGateway

    return TestGateway(settings.test_gateway_path or settings.var_dir / "test_gateway.db")
