"""attendance confirmed by the animator, real durations, time present; phones claiming a participant

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('counted_minutes', sa.Integer(), nullable=True))
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seconds_present', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=64), nullable=True))
    op.create_table('device_claim',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], ),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('device_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_claim_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_claim_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_claim_token_hash'), ['token_hash'], unique=False)
    # Sessions ended before this revision: their attendance was already reviewed on the session page and
    # counted, so they are taken as confirmed (at their end) and the history does not vanish. Their real
    # duration (started → ended) applies to them as to new ones: a 3-minute session stops counting.
    op.execute("UPDATE training_session SET attendance_confirmed_at = ended_at "
               "WHERE status = 'ended' AND ended_at IS NOT NULL")


def downgrade():
    op.drop_table('device_claim')
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.drop_column('device')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_column('seconds_present')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_column('counted_minutes')
        batch_op.drop_column('attendance_confirmed_at')
