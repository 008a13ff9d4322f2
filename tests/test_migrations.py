"""The schema the migrations build is the schema the models describe, on whichever engine the suite runs."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from profilehost.extensions import db


def test_migrations_and_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_built_every_model_table(app):
    from sqlalchemy import inspect

    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
