"""service_records' indexes made cheaper for a roll-up import: two partial, the UUID's uniqueness an index of its own.

1. `ix_records_volunteer_date` (volunteer_id, work_date) serves "this volunteer's records"; `contact_lookup` serves
   erase-on-request and the retention purge. Records imported from communes carry neither (no volunteer id, no
   contact: packages hold none), and most of a commune's own records no contact, yet every record had an entry
   in both. As partial indexes (WHERE … IS NOT NULL) they skip those records. Every query that used them names a
   value (`volunteer_id = …`, `contact_lookup IN (…)`, `contact_lookup IS NOT NULL`), which implies the
   condition, so SQLite and PostgreSQL still use them.
2. The UUID was unique by a table constraint (`UNIQUE (uuid)`), which SQLite can never drop. It is now the unique
   index `ux_records_uuid`: a roll-up import of a big package into a smaller SQLite database sets it aside with
   the other secondary indexes and builds it once at the end over sorted keys, instead of a million insertions at
   random places (the importer keeps the UUIDs unique meanwhile; see exchange/importer.py). SQLite cannot alter a
   table constraint, so the table is copied (the documented way: a new table, the rows, the old one dropped, the
   new one renamed, its indexes made again; foreign keys are off during migrations). PostgreSQL: the constraint is
   dropped and the index made.

Revision ID: 0007
Revises: 0006
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PARTIAL = (("ix_records_volunteer_date", ["volunteer_id", "work_date"], "volunteer_id IS NOT NULL"),
           ("ix_service_records_contact_lookup", ["contact_lookup"], "contact_lookup IS NOT NULL"))
UUID_INDEX = "ux_records_uuid"
# the constraint in the table's SQL: as 0001 wrote it, or named (as this migration's downgrade makes it)
_SQLITE_UNIQUE = re.compile(r",\s*(?:CONSTRAINT\s+\w+\s+)?UNIQUE\s*\(\s*uuid\s*\)", re.IGNORECASE)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_copy_without_unique(bind)
    else:
        for constraint in sa.inspect(bind).get_unique_constraints("service_records"):
            if constraint["column_names"] == ["uuid"]:
                op.drop_constraint(constraint["name"], "service_records", type_="unique")
    op.create_index(UUID_INDEX, "service_records", ["uuid"], unique=True)
    for name, columns, where in PARTIAL:
        op.drop_index(name, table_name="service_records")
        op.create_index(name, "service_records", columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def _sqlite_copy_without_unique(bind) -> None:
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'service_records'").scalar()
    if len(_SQLITE_UNIQUE.findall(table_sql)) != 1:
        raise RuntimeError("service_records: its UNIQUE (uuid) constraint was not found")
    indexes = [sql for (sql,) in bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'service_records' AND sql IS NOT NULL")]
    new_sql = _SQLITE_UNIQUE.sub("", table_sql, count=1)
    new_sql = re.sub(r'^CREATE TABLE "?service_records"?', "CREATE TABLE service_records_0007", new_sql, count=1)
    op.execute(new_sql)
    op.execute("INSERT INTO service_records_0007 SELECT * FROM service_records")
    op.execute("DROP TABLE service_records")
    op.execute("ALTER TABLE service_records_0007 RENAME TO service_records")
    for sql in indexes:
        op.execute(sql)


def downgrade() -> None:
    for name, columns, _where in PARTIAL:
        op.drop_index(name, table_name="service_records")
        op.create_index(name, "service_records", columns)
    op.drop_index(UUID_INDEX, table_name="service_records")
    with op.batch_alter_table("service_records") as batch:
        batch.create_unique_constraint("uq_service_records_uuid", ["uuid"])
