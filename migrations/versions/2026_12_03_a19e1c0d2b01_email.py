"""Outgoing email: confirmed addresses, a pending new address, the owner's choice of optional notices, the outbox
of messages sent after their transaction commits, and addresses without an account that asked for no more mail.

Every account that exists before this upgrade counts as confirmed (its address was accepted when nothing was
confirmed): email_verified_at is set to the account's creation time.

Revision ID: a19e1c0d2b01
Revises: f18c0b7d3e02
Create Date: 2026-12-03 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a19e1c0d2b01'
down_revision = 'f18c0b7d3e02'
branch_labels = None
depends_on = None

USER_COLUMNS = ('email_verified_at', 'pending_email', 'mail_notices')


def upgrade():
    # Added columns need no rebuild of users on SQLite: ALTER TABLE ADD COLUMN keeps AUTOINCREMENT and references.
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('pending_email', sa.String(length=254), nullable=True))
    op.add_column('users', sa.Column('mail_notices', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute('UPDATE users SET email_verified_at = created_at')
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_sent_at'), ['sent_at'], unique=False)
    op.create_table(
        'mail_suppressions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_suppressions')),
        sa.UniqueConstraint('address', name=op.f('uq_mail_suppressions_address')),
        sqlite_autoincrement=True,
    )


def downgrade():
    # Unsent messages and the suppression list are lost; accounts keep everything else.
    op.drop_table('mail_suppressions')
    op.drop_table('outbox_messages')
    # SQLite (3.35+) drops a plain column in place; a batch rebuild would lose users' AUTOINCREMENT.
    for column in reversed(USER_COLUMNS):
        op.drop_column('users', column)
