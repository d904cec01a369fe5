"""backoffice: staff users and sessions, the store's ship promise, an index for the backordered view

Revision ID: 0010
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import orderworks.core.db

revision = "0010"
down_revision = "0005"  # re-chained after merging fulfil-core (its 0005 follows 0004)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", orderworks.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", orderworks.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_users_email")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", orderworks.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_staff_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_staff_sessions_expires", ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_sessions_staff_id"), ["staff_id"], unique=False)
    with op.batch_alter_table("store", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ship_promise_days", sa.Integer(), server_default="2", nullable=False))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        # The grid's "backordered" view, newest first.
        batch_op.create_index("ix_orders_backordered_created", ["backordered", "created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_backordered_created")
    with op.batch_alter_table("store", schema=None) as batch_op:
        batch_op.drop_column("ship_promise_days")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_staff_id"))
        batch_op.drop_index("ix_staff_sessions_expires")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
