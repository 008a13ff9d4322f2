"""Researchers' own domains: one row a claim of a name, its TXT token and the last check; a name is unique among
verified domains only (one domain, one tenant), so an unverified claim blocks nobody, and it expires.

Revision ID: d4a7e1f0b2c3
Revises: c19d6e7f8a09
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a7e1f0b2c3'
down_revision = 'c19d6e7f8a09'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'domains',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=253), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('problem', sa.Text(), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_domains_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_domains')),
        sa.UniqueConstraint('user_id', 'name', name='uq_domains_user_id_name'),
        sqlite_autoincrement=True,
    )
    verified = sa.text('verified_at IS NOT NULL')
    op.create_index('ix_domains_verified_name', 'domains', ['name'], unique=True, sqlite_where=verified,
                    postgresql_where=verified)


def downgrade():
    _refuse_to_drop_domains()
    op.drop_table('domains')


def _refuse_to_drop_domains() -> None:
    if context.get_x_argument(as_dictionary=True).get('discard_data') == 'yes':
        return
    held = op.get_bind().execute(sa.text('SELECT count(*) FROM domains')).scalar()
    if held:
        raise RuntimeError(
            f'downgrading below {revision} would take {held} researcher domain(s) off the air. This migration '
            "changed nothing. To do it anyway, run 'flask db downgrade -x discard_data=yes'.")
