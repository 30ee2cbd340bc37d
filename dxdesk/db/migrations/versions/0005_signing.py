"""Trusted signing keys: enrolled communes (upward packages) and pinned province keys (settings packages).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=19), nullable=False),
        sa.Column("how", sa.String(length=10), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=60), nullable=False),
        sa.Column("last_package_at", sa.DateTime(), nullable=True),
        sa.Column("last_package", sa.String(length=200), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("retired_by", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_trusted_keys_subject", "trusted_keys", ["purpose", "subject"])
    op.create_index("ix_trusted_keys_public_key", "trusted_keys", ["public_key"])


def downgrade() -> None:
    op.drop_index("ix_trusted_keys_public_key", table_name="trusted_keys")
    op.drop_index("ix_trusted_keys_subject", table_name="trusted_keys")
    op.drop_table("trusted_keys")
