"""worker jobs: the store's unpaid-order timeout and authorization expiry, and the index the expiry job reads

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 11:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unpaid_order_timeout_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('authorization_expiry_days', sa.Integer(), server_default='7', nullable=False))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_status_created', ['status', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_status_created')
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_column('authorization_expiry_days')
        batch_op.drop_column('unpaid_order_timeout_minutes')
