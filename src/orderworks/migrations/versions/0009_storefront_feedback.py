"""storefront: the customer's feedback on an order, failed order look-ups for the attempt limit

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01 11:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orderworks.core.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_feedback',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('times_sent', sa.Integer(), nullable=False),
    sa.Column('created_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_order_feedback_rating_1_to_5')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_feedback_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_feedback')),
    sa.UniqueConstraint('order_id', name=op.f('uq_order_feedback_order_id'))
    )
    op.create_table('storefront_lookup_failures',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('attempted_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storefront_lookup_failures'))
    )
    with op.batch_alter_table('storefront_lookup_failures', schema=None) as batch_op:
        batch_op.create_index('ix_storefront_lookup_failures_client_at', ['client', 'attempted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_storefront_lookup_failures_attempted_at'), ['attempted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('storefront_lookup_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storefront_lookup_failures_attempted_at'))
        batch_op.drop_index('ix_storefront_lookup_failures_client_at')
    op.drop_table('storefront_lookup_failures')
    op.drop_table('order_feedback')
