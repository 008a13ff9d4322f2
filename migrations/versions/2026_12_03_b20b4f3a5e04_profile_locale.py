"""The site's language: a BCP 47 tag (en-US, de, ar) on the profile, which sets <html lang>, dir and og:locale of
every public page. Empty: the _config.yml's `locale`, else English.

Revision ID: b20b4f3a5e04
Revises: a19e1c0d2b01
Create Date: 2026-12-03 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b20b4f3a5e04'
down_revision = 'a19e1c0d2b01'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('profiles', sa.Column('locale', sa.String(length=35), nullable=False, server_default=''))


def downgrade():
    # Only the language setting is lost; pages say lang="en" again.
    op.drop_column('profiles', 'locale')
