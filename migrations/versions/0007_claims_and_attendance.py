"""attendance confirmed by the animator, real durations, time present

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('counted_minutes', sa.Integer(), nullable=True))
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seconds_present', sa.Integer(), server_default='0', nullable=False))
    # Sessions ended before this revision: their attendance was already reviewed on the session page and
    # counted, so they are taken as confirmed (at their end) and the history does not vanish. Their real
    # duration (started → ended) applies to them as to new ones: a 3-minute session stops counting.
    op.execute("UPDATE training_session SET attendance_confirmed_at = ended_at "
               "WHERE status = 'ended' AND ended_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_column('seconds_present')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_column('counted_minutes')
        batch_op.drop_column('attendance_confirmed_at')
