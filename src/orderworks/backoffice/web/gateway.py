"""The payment gateway the back office charges through: the API application's (one per process), so a test
that sets `app.state.payment_gateway` on the API app is used here too."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from orderworks.payments.gateways import gateway_from_settings
from orderworks.payments.gateways.port import PaymentGateway


def get_gateway(request: Request) -> PaymentGateway:
    holder = getattr(request.app.state, "parent", request.app)
    gateway = getattr(holder.state, "payment_gateway", None)
    if gateway is None:
        gateway = holder.state.payment_gateway = gateway_from_settings(request.app.state.settings)
    return gateway


GatewayDep = Annotated[PaymentGateway, Depends(get_gateway)]
