"""Signed customer links: the token in every email that opens the customer's order page without a login.

The token names the order and is signed with the settings' `secret_key` (itsdangerous, HMAC-SHA256 by default);
it carries no expiry because a customer may open a shipping email weeks later. Changing `secret_key` invalidates
every link sent so far.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "orderworks.order-link.v1"


def order_link_token(secret_key: str, order_id: str) -> str:
    return URLSafeSerializer(secret_key, salt=_SALT).dumps({"o": str(order_id)})


def order_id_from_token(secret_key: str, token: str) -> str | None:
    """The order id a token names, or None when the token is forged, damaged or signed with another key."""
    try:
        data = URLSafeSerializer(secret_key, salt=_SALT).loads(token)
    except BadSignature:
        return None
    order_id = data.get("o") if isinstance(data, dict) else None
    return order_id if isinstance(order_id, str) else None
