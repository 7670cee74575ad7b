"""module revisions

Revision ID: 0001
Revises:
Create Date: 2026-11-23 06:26:50

"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'module_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('source_hash', sa.String(length=64), nullable=False),
        sa.Column('message', sa.String(length=200), nullable=False),
        sa.Column('author', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_module_revision')),
    )
    with op.batch_alter_table('module_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_revision_slug'), ['slug'], unique=False)


def downgrade():
    with op.batch_alter_table('module_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_revision_slug'))
    op.drop_table('module_revision')
