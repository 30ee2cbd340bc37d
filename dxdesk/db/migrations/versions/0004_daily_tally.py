"""The daily tallies (tally_daily and tally_daily_subjects for every tally of a period; tally_daily_services and
tally_daily_visits with the breakdowns' splits) and what each indicator counts (indicators.subject:
citizen, shop or product), so that shops and products are never reported as citizens.

The tables are filled from the records already stored by `dxdesk.counting.store.rebuild`, the same code that
`dxdesk check` runs (one rule for what counts). A later migration that changes these tables refills them the same way.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None



def _key() -> list[sa.Column]:
    return [sa.Column("work_date", sa.Date, nullable=False), sa.Column("unit_code", sa.String(5), nullable=False)]


# The key is the primary key, and on SQLite the table is the key's own b-tree (WITHOUT ROWID): a counter's save
# writes one page per tally, not two (a rowid table and a unique index).
_ROWLESS = {"sqlite_with_rowid": False}


_SPLITS = ["channel", "outcome", "volunteer_id", "shift_id", "age_band", "sex"]


def _splits() -> list[sa.Column]:
    return [sa.Column("channel", sa.String(10), nullable=False), sa.Column("outcome", sa.String(10), nullable=False),
            sa.Column("volunteer_id", sa.Integer, nullable=False), sa.Column("shift_id", sa.Integer, nullable=False),
            sa.Column("age_band", sa.String(10), nullable=False), sa.Column("sex", sa.String(1), nullable=False)]


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("subject", sa.String(10), nullable=False, server_default="citizen"))
    # the shipped catalogue's shop and product indicators (and any renamed copy, by its unit of measure)
    op.execute("UPDATE indicators SET subject = 'shop' WHERE code = 'SHOP_EPAY' OR unit_vi = 'cửa hàng'")
    op.execute("UPDATE indicators SET subject = 'product' WHERE code = 'ECOM_PRODUCT' OR unit_vi = 'sản phẩm'")
    op.create_table(
        "tally_daily", *_key(), sa.Column("service_code", sa.String(30), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("work_date", "unit_code", "service_code", name="pk_tally_daily"), **_ROWLESS,
    )
    op.create_table(
        "tally_daily_subjects", *_key(), sa.Column("subject", sa.String(10), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False), sa.Column("records", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("work_date", "unit_code", "subject", name="pk_tally_daily_subjects"), **_ROWLESS,
    )
    op.create_table(
        "tally_daily_services", *_key(),
        sa.Column("service_code", sa.String(30), nullable=False), *_splits(),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("work_date", "unit_code", "service_code", *_SPLITS, name="pk_tally_daily_services"),
        **_ROWLESS,
    )
    op.create_table(
        "tally_daily_visits", *_key(),
        sa.Column("hour", sa.Integer, nullable=False), sa.Column("subject", sa.String(10), nullable=False), *_splits(),
        sa.Column("n", sa.BigInteger, nullable=False), sa.Column("records", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("work_date", "unit_code", "hour", "subject", *_SPLITS, name="pk_tally_daily_visits"),
        **_ROWLESS,
    )
    from dxdesk.counting import store

    store.rebuild(op.get_bind())


def downgrade() -> None:
    for table in ("tally_daily_visits", "tally_daily_services", "tally_daily_subjects", "tally_daily"):
        op.drop_table(table)
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("subject")
