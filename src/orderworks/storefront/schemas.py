"""The feedback as staff read it in the API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from orderworks.storefront.models import OrderFeedback


class FeedbackOut(BaseModel):
    rating: int
    comment: str
    times_sent: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, f: OrderFeedback) -> FeedbackOut:
        return cls(rating=f.rating, comment=f.comment, times_sent=f.times_sent, created_at=f.created_at,
                   updated_at=f.updated_at)


class OrderFeedbackOut(BaseModel):
    order_id: str
    number: str
    feedback: FeedbackOut | None
