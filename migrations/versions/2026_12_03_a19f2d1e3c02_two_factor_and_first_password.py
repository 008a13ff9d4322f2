"""Two-factor sign-in and the first password: a user's TOTP secret and the time step of the last code accepted,
their single-use recovery codes (hashed), and a flag that asks for a new password before anything else.

users gains its columns with plain ALTER TABLE on every engine (SQLite adds and, since 3.35, drops a column in
place): batch mode would rebuild users, whose children go with it under ON DELETE CASCADE.

Downgrading drops every enrolment, so it refuses while any account has two-factor sign-in on, unless told
`-x discard_data=yes`.

Revision ID: a19f2d1e3c02
Revises: b20b4f3a5e04
Create Date: 2026-12-03 08:20:00.000000

"""
from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a19f2d1e3c02'
down_revision = 'b20b4f3a5e04'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('totp_secret', sa.String(length=32), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)


def downgrade():
    _refuse_to_drop_enrolments()
    op.drop_table('recovery_codes')
    op.drop_column('users', 'must_change_password')
    op.drop_column('users', 'totp_last_step')
    op.drop_column('users', 'totp_secret')


def _refuse_to_drop_enrolments() -> None:
    if context.get_x_argument(as_dictionary=True).get('discard_data') == 'yes':
        return
    enrolled = op.get_bind().execute(sa.text('SELECT count(*) FROM users WHERE totp_secret IS NOT NULL')).scalar()
    if enrolled:
        raise RuntimeError(
            f'downgrading below {revision} would turn two-factor sign-in off for {enrolled} account(s). This '
            "migration changed nothing. To do it anyway, run 'flask db downgrade -x discard_data=yes'.")
