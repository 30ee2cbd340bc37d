"""The constant schema head that start-up compares against (so Alembic is loaded only when a migration is due) is the
head Alembic itself reads from the migration scripts: a new migration without updating the constant fails here."""

from dxdesk.db import engine as dbengine


def test_constant_head_is_alembics_head_of_the_scripts():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(dbengine._alembic_config(None))
    heads = script.get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    assert dbengine.SCHEMA_HEAD == heads[0], (
        f"dxdesk/db/engine.py SCHEMA_HEAD is {dbengine.SCHEMA_HEAD!r} but the newest migration is {heads[0]!r}: "
        "update the constant with the migration")
    assert dbengine.head_revision() == dbengine.SCHEMA_HEAD
