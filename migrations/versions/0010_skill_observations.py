"""evidence of learning: skills observed during the course; the tasks attested before move in

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 16:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('skill_observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('slide', sa.Integer(), nullable=True),
    sa.Column('observed_by_id', sa.Integer(), nullable=True),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['observed_by_id'], ['user_account.id'], name=op.f('fk_skill_observation_observed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_skill_observation_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], name=op.f('fk_skill_observation_session_id_training_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_observation')),
    sa.UniqueConstraint('session_id', 'participant_id', 'skill', name='uq_skill_observation_once')
    )
    with op.batch_alter_table('skill_observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_observation_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_skill_observation_session_id'), ['session_id'], unique=False)

    # A task attested in one tick before the grid existed was seen done alone: it becomes a
    # « seul » observation with no session. task_attestation itself stays until its code is gone.
    op.execute(
        "INSERT INTO skill_observation (session_id, participant_id, skill, level, observed_by_id, observed_at) "
        "SELECT NULL, participant_id, task, 'seul', attested_by_id, created_at FROM task_attestation"
    )


def downgrade():
    with op.batch_alter_table('skill_observation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_observation_session_id'))
        batch_op.drop_index(batch_op.f('ix_skill_observation_participant_id'))

    op.drop_table('skill_observation')
