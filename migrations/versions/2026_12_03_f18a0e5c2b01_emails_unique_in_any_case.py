"""Emails are unique in any letter case: stored lowercase, and the database refuses any other spelling.

users.email was unique as typed, so 'Ann@Example.org' and 'ann@example.org' registered at the same moment made two
accounts. Existing addresses are lowercased first; if two accounts already share an address in different cases,
the upgrade stops and names them, changing nothing: an operator decides which account keeps the address (for
example with `flask shell`), then upgrades again.

SQLite can only add a CHECK constraint by rebuilding the table, done as in e71b4c2a9d05: foreign keys off, one
transaction, every reference checked before the commit, AUTOINCREMENT kept.

The downgrade drops the constraint and leaves the addresses lowercase.

Revision ID: f18a0e5c2b01
Revises: e71b4c2a9d05
Create Date: 2026-12-03 12:00:00.000000

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f18a0e5c2b01'
down_revision = 'e71b4c2a9d05'
branch_labels = None
depends_on = None

CONSTRAINT = 'ck_users_email_lowercase'
LOWERCASE = 'email = lower(email)'


def upgrade():
    bind = op.get_bind()
    if op.get_context().dialect.name != 'sqlite':
        _lowercase_emails(bind)
        op.create_check_constraint(op.f(CONSTRAINT), 'users', LOWERCASE)
        return
    with _foreign_keys_off(bind):
        _lowercase_emails(bind)
        with op.batch_alter_table('users', recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch:
            batch.create_check_constraint(op.f(CONSTRAINT), LOWERCASE)


def downgrade():
    if op.get_context().dialect.name != 'sqlite':
        op.drop_constraint(op.f(CONSTRAINT), 'users', type_='check')
        return
    with _foreign_keys_off(op.get_bind()):
        with op.batch_alter_table('users', recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch:
            batch.drop_constraint(op.f(CONSTRAINT), type_='check')


def _lowercase_emails(bind) -> None:
    _refuse_shared_emails(bind)
    bind.execute(sa.text('UPDATE users SET email = lower(email) WHERE email <> lower(email)'))


def _refuse_shared_emails(bind) -> None:
    rows = bind.execute(sa.text(
        'SELECT lower(email), username FROM users WHERE lower(email) IN '
        '(SELECT lower(email) FROM users GROUP BY lower(email) HAVING count(*) > 1) ORDER BY lower(email), username'
    )).all()
    if not rows:
        return
    shared: dict[str, list[str]] = {}
    for email, username in rows:
        shared.setdefault(email, []).append(username)
    listed = '; '.join(f"{email}: {', '.join(names)}" for email, names in shared.items())
    raise RuntimeError(f'these accounts share an email address in different letter cases: {listed}. Give all but '
                       'one of each a different address, then upgrade again; nothing was changed')


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
            raise RuntimeError(f'rebuilding the users table would break {len(broken)} references, the first: '
                               f'{broken[0]} (table, rowid, parent table, constraint index); nothing was changed')
        driver.commit()
    except BaseException:
        driver.rollback()
        raise
    finally:
        bind.exec_driver_sql('PRAGMA foreign_keys=ON')
