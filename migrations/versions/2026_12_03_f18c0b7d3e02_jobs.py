"""Jobs of the queue: a site import runs in `flask jobs worker`, and the dashboard reads its state, progress and
report here. The uploaded ZIP waits in `archive` until the job ends.

Revision ID: f18c0b7d3e02
Revises: f18a0e5c2b01
Create Date: 2026-12-03 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f18c0b7d3e02'
down_revision = 'f18a0e5c2b01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('archive_name', sa.String(length=255), nullable=False),
        sa.Column('archive', sa.LargeBinary(), nullable=True),
        sa.Column('files_checked', sa.Integer(), nullable=False),
        sa.Column('files_total', sa.Integer(), nullable=False),
        sa.Column('pages_rendered', sa.Integer(), nullable=False),
        sa.Column('pages_total', sa.Integer(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_jobs_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_user_id'), ['user_id'], unique=False)


def downgrade():
    # Jobs are a queue's working state, not a user's data: dropping them loses only the reports of past imports.
    op.drop_table('jobs')
