"""PostgreSQL: the daily tallies partitioned by year, so that the tally of one year reads that year only.

On a shared server the tally tables hold every commune's days of every year stored. A year's tally asks for one
range of days, but the planner reads the whole table when the year is a large part of it (a sequential scan
costs less than the index there), so the same tally grew with every year kept: 1 year stored vs 3 years stored
was 1,2× on the benchmark. Partitioned by RANGE (work_date), one partition a year (2020–2040, where the
counter's date rule allows records; anything else in a DEFAULT partition), the planner prunes to the year asked
for. Keys, upserts (`ON CONFLICT` on the primary key, which holds work_date) and every query stay as they are.

SQLite: nothing (one commune's file; its tables are the key's own b-tree, read by range).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("tally_daily", "tally_daily_subjects", "tally_daily_services", "tally_daily_visits")
FIRST_YEAR, LAST_YEAR = 2020, 2040


def _primary_key(bind, table: str) -> tuple[str, list[str]]:
    pk = sa.inspect(bind).get_pk_constraint(table)
    return pk["name"], pk["constrained_columns"]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        name, columns = _primary_key(bind, table)
        old = f"{table}_unpartitioned"
        keys = ", ".join(f'"{c}"' for c in columns)
        op.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        op.execute(f'ALTER INDEX "{name}" RENAME TO "{old}_pkey"')
        op.execute(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                   f"PARTITION BY RANGE (work_date)")
        op.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" PRIMARY KEY ({keys})')
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            op.execute(f'CREATE TABLE "{table}_y{year}" PARTITION OF "{table}" '
                       f"FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')")
        op.execute(f'CREATE TABLE "{table}_other" PARTITION OF "{table}" DEFAULT')
        op.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
        op.execute(f'DROP TABLE "{old}"')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        name, columns = _primary_key(bind, table)
        old = f"{table}_partitioned"
        keys = ", ".join(f'"{c}"' for c in columns)
        op.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        op.execute(f'ALTER TABLE "{old}" RENAME CONSTRAINT "{name}" TO "{old}_pkey"')
        op.execute(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
        op.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" PRIMARY KEY ({keys})')
        op.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
        op.execute(f'DROP TABLE "{old}" CASCADE')
