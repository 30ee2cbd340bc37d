"""Index on service_records.occurred_at: the journal sorts by date and time (newest first) and reads one page
at a time by keyset, which needs this index on a million records.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_records_occurred", "service_records", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_records_occurred", table_name="service_records")
