"""orders: an index on (total, id) so the back-office grid sorted by total reads a page as an index range

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_total", "orders", ["total", "id"])


def downgrade() -> None:
    op.drop_index("ix_orders_total", table_name="orders")
