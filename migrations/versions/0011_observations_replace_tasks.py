"""the observation grid replaces the tasks attested: task_attestation goes; badges keep their evidence

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 17:00:00

0010 copied every attested task into a « seul » observation with no session. The badge named
its third task « applications » where the skills say « application » (kit/evidence/skills.py):
those copies are renamed, so that they count. A skill observed outside a session is one row per
participant and skill (a partial unique index). An issued badge keeps the skills it carries.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OUTSIDE = "session_id IS NULL"


def upgrade():
    op.execute("UPDATE skill_observation SET skill = 'application' WHERE skill = 'applications' AND session_id IS NULL")
    with op.batch_alter_table('skill_observation', schema=None) as batch_op:
        batch_op.create_index('uq_skill_observation_outside', ['participant_id', 'skill'], unique=True,
                              sqlite_where=sa.text(OUTSIDE), postgresql_where=sa.text(OUTSIDE))
    with op.batch_alter_table('badge_assertion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.Text(), nullable=True))
    with op.batch_alter_table('task_attestation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_attestation_participant_id'))
    op.drop_table('task_attestation')


def downgrade():
    # The table comes back empty: its rows live on as observations (0010's downgrade drops those).
    op.create_table('task_attestation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=40), nullable=False),
    sa.Column('attested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attested_by_id'], ['user_account.id'], name=op.f('fk_task_attestation_attested_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_task_attestation_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_attestation')),
    sa.UniqueConstraint('participant_id', 'task', name='uq_task_attestation_once')
    )
    with op.batch_alter_table('task_attestation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_attestation_participant_id'), ['participant_id'], unique=False)
    with op.batch_alter_table('badge_assertion', schema=None) as batch_op:
        batch_op.drop_column('evidence')
    with op.batch_alter_table('skill_observation', schema=None) as batch_op:
        batch_op.drop_index('uq_skill_observation_outside', sqlite_where=sa.text(OUTSIDE),
                            postgresql_where=sa.text(OUTSIDE))
