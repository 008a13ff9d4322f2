"""Row ids are never given out again: SQLite tables with an integer id become AUTOINCREMENT.

Without it SQLite hands the highest id of a deleted row to the next insert, so the account created after a purge
took over the purged account's id, with its cached public pages and its audit trail. PostgreSQL's sequences never
go back: nothing to do there.

SQLite can only add AUTOINCREMENT by rebuilding a table. Dropping a parent table while foreign keys are enforced
would run its ON DELETE CASCADE, so the rebuild runs with them off, in one transaction of its own, and checks
every reference before it commits.

A later migration that makes batch mode rebuild one of these tables must pass
table_kwargs={"sqlite_autoincrement": True}, or the keyword is lost (tests/test_migrations.py checks).

Revision ID: e71b4c2a9d05
Revises: 9c3d2e7f4a10
Create Date: 2026-12-03 06:10:00.000000

"""
from contextlib import contextmanager

from alembic import op

# revision identifiers, used by Alembic.
revision = 'e71b4c2a9d05'
down_revision = '9c3d2e7f4a10'
branch_labels = None
depends_on = None

TABLES_WITH_INTEGER_IDS = ('users', 'pages', 'revisions', 'redirects', 'assets', 'site_files', 'audit_events',
                           'reports', 'appeals', 'invites', 'api_tokens')


def upgrade():
    _rebuild_on_sqlite(autoincrement=True)


def downgrade():
    _rebuild_on_sqlite(autoincrement=False)


def _rebuild_on_sqlite(autoincrement: bool) -> None:
    if op.get_context().dialect.name != 'sqlite':
        return
    with _foreign_keys_off(op.get_bind()):
        for table in TABLES_WITH_INTEGER_IDS:
            with op.batch_alter_table(table, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': autoincrement}):
                pass


@contextmanager
def _foreign_keys_off(bind):
    driver = bind.connection.driver_connection
    # SQLite ignores PRAGMA foreign_keys inside a transaction: the earlier migrations of this run are complete, so
    # their transaction is committed first.
    if driver.in_transaction:
        driver.commit()
    bind.exec_driver_sql('PRAGMA foreign_keys=OFF')
    bind.exec_driver_sql('BEGIN')
    try:
        yield
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'rebuilding the tables would break {len(broken)} references, the first: {broken[0]} '
                               '(table, rowid, parent table, constraint index); nothing was changed')
        driver.commit()
    except BaseException:
        driver.rollback()
        raise
    finally:
        bind.exec_driver_sql('PRAGMA foreign_keys=ON')
