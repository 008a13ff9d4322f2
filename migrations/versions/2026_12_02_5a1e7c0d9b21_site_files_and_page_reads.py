"""A tenant's site files (_config.yml, _data/, _includes/) with their history, and what each page's Liquid reads.

Revision ID: 5a1e7c0d9b21
Revises: 0794852b5370
Create Date: 2026-12-02 22:40:00

"""
from alembic import op
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
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('reads')

    with op.batch_alter_table('site_files', schema=None) as batch_op:
        batch_op.drop_index('ix_site_files_user_id_current')

    op.drop_table('site_files')
