"""notifications: email messages, feedback requests, digest marks, store notification settings

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 11:13:46.646819
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orderworks.core.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('notification_marks',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_notification_marks'))
    )
    op.create_table('email_messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=True),
    sa.Column('order_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('to', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('attachments', sa.String(length=500), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('file_path', sa.String(length=500), nullable=True),
    sa.Column('claimed_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_email_messages_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_messages')),
    sa.UniqueConstraint('key', name=op.f('uq_email_messages_key'))
    )
    with op.batch_alter_table('email_messages', schema=None) as batch_op:
        batch_op.create_index('ix_email_messages_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_email_messages_kind_created', ['kind', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_email_messages_order_created', ['order_id', 'created_at'], unique=False)
        batch_op.create_index('ix_email_messages_status_created', ['status', 'created_at', 'id'], unique=False)

    op.create_table('feedback_requests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('delivered_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('claimed_until', orderworks.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_feedback_requests_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_requests')),
    sa.UniqueConstraint('order_id', name=op.f('uq_feedback_requests_order_id'))
    )
    with op.batch_alter_table('feedback_requests', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_requests_due', ['status', 'due_at'], unique=False)

    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_request_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('staff_notifications', sa.Boolean(), server_default=sa.true(), nullable=False))




def downgrade() -> None:
    
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_column('staff_notifications')
        batch_op.drop_column('feedback_request_days')

    with op.batch_alter_table('feedback_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_requests_due')

    op.drop_table('feedback_requests')
    with op.batch_alter_table('email_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_email_messages_status_created')
        batch_op.drop_index('ix_email_messages_order_created')
        batch_op.drop_index('ix_email_messages_kind_created')
        batch_op.drop_index('ix_email_messages_created')

    op.drop_table('email_messages')
    op.drop_table('notification_marks')

