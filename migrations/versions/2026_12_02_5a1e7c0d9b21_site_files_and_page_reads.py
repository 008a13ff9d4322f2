"""A tenant's site files (_config.yml, _data/, _includes/) with their history, and what each page's Liquid reads.

Revision ID: 5a1e7c0d9b21
Revises: 0794852b5370
Create Date: 2026-12-02 22:40:00

"""
from contextlib import contextmanager

from alembic import context, op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '5a1e7c0d9b21'
down_revision = '0794852b5370'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('path', sa.String(length=255), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('source', sa.LargeBinary(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_site_files_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_site_files_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_files')),
        sa.UniqueConstraint('user_id', 'path', 'number', name='uq_site_files_user_id_path_number'),
    )
    with op.batch_alter_table('site_files', schema=None) as batch_op:
        batch_op.create_index('ix_site_files_user_id_current', ['user_id', 'current'], unique=False)

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reads', sa.JSON(), nullable=True))


def downgrade():
    # pages.reads is derived (the data files a page's render read), rebuilt by the next render; site_files holds
    # what the researchers wrote.
    _refuse_to_drop_data({'site_files.id': 'id IS NOT NULL'}, "the sites' data and configuration files")
    with _children_kept():
        with op.batch_alter_table('pages', schema=None) as batch_op:
            batch_op.drop_column('reads')

        with op.batch_alter_table('site_files', schema=None) as batch_op:
            batch_op.drop_index('ix_site_files_user_id_current')

        op.drop_table('site_files')


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
