"""backoffice: a partial index on open orders (pending, processing, on hold) for the grid's saved views and the
dashboard's counts: at a million orders "ready to ship" went from a 90,000-row bitmap to the few open ones

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'processing', 'on_hold')")


def upgrade() -> None:
    op.create_index("ix_orders_open_created", "orders", ["created_at", "id"], postgresql_where=OPEN,
                    sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_orders_open_created", table_name="orders")
