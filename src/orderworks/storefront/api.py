"""Staff's API view of the customer's feedback on an order (the customer's own routes are in pages.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from orderworks.core.actor import Actor
from orderworks.core.permissions import Permission
from orderworks.core.web import ERRORS, UowDep, require
from orderworks.storefront import service
from orderworks.storefront.schemas import FeedbackOut, OrderFeedbackOut

Reader = Annotated[Actor, Depends(require(Permission.ORDERS_READ))]

router = APIRouter(tags=["feedback"])


@router.get("/api/v1/orders/{order_id}/feedback", responses=ERRORS(404))
def order_feedback(order_id: str, uow: UowDep, actor: Reader) -> OrderFeedbackOut:
    """What the customer said about the order after delivery (rating 1-5 and comment), or null if nothing yet."""
    order, feedback = service.order_feedback(uow, order_id)
    return OrderFeedbackOut(order_id=str(order.id), number=order.number,
                            feedback=FeedbackOut.from_model(feedback) if feedback else None)
