"""A site's own layouts: whether a revision's layout draws the page title (the theme then draws none), and the lines
the site's own single or talk layout writes under the title and after the content.

Revision ID: 9c3d2e7f4a10
Revises: 5a1e7c0d9b21
Create Date: 2026-12-03 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c3d2e7f4a10'
down_revision = '5a1e7c0d9b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layout_draws_title', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('header_html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('after_content_html', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('after_content_html')
        batch_op.drop_column('header_html')
        batch_op.drop_column('layout_draws_title')
