"""Collections (academicpages _publications, _talks, ...), an imported menu, and revisions' file names.

Revision ID: 0794852b5370
Revises: 215f71b66b56
Create Date: 2026-11-24 03:39:46.499257

"""
from alembic import op
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
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('source_name')

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('navigation')

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index('ix_pages_user_id_collection')
        batch_op.drop_column('item_date')
        batch_op.drop_column('collection')

