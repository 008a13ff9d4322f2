"""A tenant's bibliography: its .bib versions (the newest current, each save kept for a restore) and its settings
(the CSL style of the publication list, the forms of the researcher's name shown in bold).

Revision ID: b20a3e2f4d03
Revises: a19f2d1e3c02
Create Date: 2026-12-03 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b20a3e2f4d03'
down_revision = 'a19f2d1e3c02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bibliography_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('source', sa.LargeBinary(), nullable=True),
        sa.Column('source_name', sa.String(length=255), nullable=False),
        sa.Column('rendered', sa.JSON(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_bibliography_versions_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bibliography_versions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bibliography_versions')),
        sa.UniqueConstraint('user_id', 'number', name='uq_bibliography_versions_user_id_number'),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('bibliography_versions', schema=None) as batch_op:
        batch_op.create_index('ix_bibliography_versions_user_id_current', ['user_id', 'current'], unique=False)
    op.create_table(
        'bibliography_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('style', sa.String(length=64), nullable=False),
        sa.Column('name_forms', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bibliography_settings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_bibliography_settings')),
    )


def downgrade():
    # Dropping these loses every tenant's bibliography and its history; an export (Dashboard > Export) keeps a
    # copy of the current one in _bibliography/.
    op.drop_table('bibliography_settings')
    with op.batch_alter_table('bibliography_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_bibliography_versions_user_id_current')
    op.drop_table('bibliography_versions')
