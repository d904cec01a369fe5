"""invoicing: invoices, credit notes, seller details on the store

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orderworks.core.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invoices',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('tax_total', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('issued_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=200), nullable=False),
    sa.Column('paid_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voided_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('void_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_invoices_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_issued', ['issued_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_invoices_status_issued', ['status', 'issued_at', 'id'], unique=False)
        batch_op.create_index('uq_invoices_live_order', ['order_id'], unique=True, sqlite_where=sa.text("status != 'void'"), postgresql_where=sa.text("status != 'void'"))

    op.create_table('credit_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('invoice_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('tax_total', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('refund_reference', sa.String(length=128), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('issued_at', orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_credit_notes_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_credit_notes_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_notes')),
    sa.UniqueConstraint('number', name=op.f('uq_credit_notes_number')),
    sa.UniqueConstraint('refund_reference', name=op.f('uq_credit_notes_refund_reference'))
    )
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.create_index('ix_credit_notes_invoice_issued', ['invoice_id', 'issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_notes_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('tax_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('invoice_footer', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('auto_invoice', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('invoice_number_prefix', sa.String(length=16), server_default='INV-', nullable=False))
        batch_op.add_column(sa.Column('credit_note_number_prefix', sa.String(length=16), server_default='CN-', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_column('credit_note_number_prefix')
        batch_op.drop_column('invoice_number_prefix')
        batch_op.drop_column('auto_invoice')
        batch_op.drop_column('invoice_footer')
        batch_op.drop_column('tax_id')
        batch_op.drop_column('legal_name')

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_notes_order_id'))
        batch_op.drop_index('ix_credit_notes_invoice_issued')

    op.drop_table('credit_notes')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('uq_invoices_live_order', sqlite_where=sa.text("status != 'void'"), postgresql_where=sa.text("status != 'void'"))
        batch_op.drop_index('ix_invoices_status_issued')
        batch_op.drop_index(batch_op.f('ix_invoices_order_id'))
        batch_op.drop_index('ix_invoices_issued')

    op.drop_table('invoices')
