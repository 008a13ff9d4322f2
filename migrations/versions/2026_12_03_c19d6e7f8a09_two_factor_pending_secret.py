"""Two-factor enrolment keeps the secret being set up on the user's row instead of in the session cookie (signed,
not encrypted): users.totp_pending_secret.

A plain ALTER TABLE on every engine, as in a19f2d1e3c02 (batch mode would rebuild users). Downgrading drops only
enrolments not yet confirmed: whoever was scanning a QR code reloads the page and scans a new one.

Revision ID: c19d6e7f8a09
Revises: b20a3e2f4d03
Create Date: 2026-12-03 09:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c19d6e7f8a09'
down_revision = 'b20a3e2f4d03'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('totp_pending_secret', sa.String(length=32), nullable=True))


def downgrade():
    op.drop_column('users', 'totp_pending_secret')
