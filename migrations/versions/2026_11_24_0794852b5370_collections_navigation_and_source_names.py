"""Collections (academicpages _publications, _talks, ...), an imported menu, and revisions' file names.

Revision ID: 0794852b5370
Revises: 215f71b66b56
Create Date: 2026-11-24 03:39:46.499257

"""
from contextlib import contextmanager

from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0794852b5370'
down_revision = '215f71b66b56'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collection', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('item_date', sa.Date(), nullable=True))
        batch_op.create_index('ix_pages_user_id_collection', ['user_id', 'collection'], unique=False)

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('navigation', sa.JSON(), nullable=True))

    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_name', sa.String(length=255), nullable=True))



def downgrade():
    _refuse_to_drop_data({
        'pages.collection': 'collection IS NOT NULL',
        'pages.item_date': 'item_date IS NOT NULL',
        # A JSON column may hold JSON null rather than SQL NULL: neither is a menu.
        'profiles.navigation': "navigation IS NOT NULL AND CAST(navigation AS TEXT) NOT IN ('null', '[]')",
        'revisions.source_name': 'source_name IS NOT NULL',
    }, 'the collections, the imported menu and the revisions\' file names')
    with _children_kept():
        with op.batch_alter_table('revisions', schema=None) as batch_op:
            batch_op.drop_column('source_name')

        with op.batch_alter_table('profiles', schema=None) as batch_op:
            batch_op.drop_column('navigation')

        with op.batch_alter_table('pages', schema=None) as batch_op:
            batch_op.drop_index('ix_pages_user_id_collection')
            batch_op.drop_column('item_date')
            batch_op.drop_column('collection')


def _refuse_to_drop_data(held: dict[str, str], what: str) -> None:
    """Downgrading drops `held` ({'table.column': SQL condition a row holding data meets}); refuse while any row
    holds data, unless the operator said to discard it."""
    if context.get_x_argument(as_dictionary=True).get('discard_data') == 'yes':
        return
    bind = op.get_bind()
    counts = {name: bind.execute(sa.text(f'SELECT count(*) FROM {name.split(".")[0]} WHERE {condition}')).scalar()
              for name, condition in held.items()}
    holding = [f'{name} ({count} rows)' for name, count in counts.items() if count]
    if holding:
        raise RuntimeError(
            f'downgrading below {revision} would drop {what}, and these hold data: {", ".join(holding)}. '
            'This migration changed nothing. To keep the data, export each site first '
            "('flask site export USERNAME FILE.zip') or back up the database ('flask backup FILE'); then, to drop "
            "it, run 'flask db downgrade -x discard_data=yes'.")


@contextmanager
def _children_kept():
    """SQLite's batch mode drops and re-creates a table; with foreign keys on, dropping `pages` would delete every
    revision and redirect (ON DELETE CASCADE). The rebuild runs with them off, and checks them before committing."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        yield
        return
    driver = bind.connection.driver_connection
    # SQLite ignores PRAGMA foreign_keys inside a transaction: the earlier migrations of this run are complete.
    if driver.in_transaction:
        driver.commit()
    bind.exec_driver_sql('PRAGMA foreign_keys=OFF')
    bind.exec_driver_sql('BEGIN')
    try:
        yield
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'the downgrade would break {len(broken)} references, the first: {broken[0]}; '
                               'nothing was changed')
        driver.commit()
    except BaseException:
        driver.rollback()
        raise
    finally:
        bind.exec_driver_sql('PRAGMA foreign_keys=ON')
