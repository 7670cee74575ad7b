"""module editing: revision numbers, authors, parents and drafts; uploaded images

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 06:54:47.472268

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('module_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('mimetype', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_module_image_author_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_image')),
    sa.UniqueConstraint('name', name=op.f('uq_module_image_name'))
    )
    with op.batch_alter_table('module_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('is_draft', sa.Boolean(), nullable=False, server_default=sa.false()))

    # Existing revisions become versions 1, 2, 3… of their module, each the child of the one before.
    op.execute(
        "UPDATE module_revision SET "
        "number = (SELECT COUNT(*) FROM module_revision AS r2 "
        "WHERE r2.slug = module_revision.slug AND r2.id <= module_revision.id), "
        "parent_id = (SELECT MAX(r3.id) FROM module_revision AS r3 "
        "WHERE r3.slug = module_revision.slug AND r3.id < module_revision.id)"
    )
    with op.batch_alter_table('module_revision', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_module_revision_slug_number', ['slug', 'number'])
        batch_op.create_foreign_key(batch_op.f('fk_module_revision_author_id_user_account'), 'user_account', ['author_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_module_revision_parent_id_module_revision'), 'module_revision', ['parent_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('module_revision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_module_revision_parent_id_module_revision'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_module_revision_author_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint('uq_module_revision_slug_number', type_='unique')
        batch_op.drop_column('is_draft')
        batch_op.drop_column('parent_id')
        batch_op.drop_column('author_id')
        batch_op.drop_column('number')

    op.drop_table('module_image')
