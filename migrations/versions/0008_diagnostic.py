"""the digital-autonomy diagnostic: employees, diagnostics, answers, tasks observed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'employee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('siae_id', sa.Integer(), nullable=False),
        sa.Column('first_name', sa.String(length=60), nullable=False),
        sa.Column('family_initial', sa.String(length=2), nullable=False),
        sa.Column('pathway_month', sa.Date(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('consent_by_id', sa.Integer(), nullable=True),
        sa.Column('consent_version', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['consent_by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['siae_id'], ['siae.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employee_siae_id'), ['siae_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employee_last_activity_at'), ['last_activity_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_employee_erased_at'), ['erased_at'], unique=False)

    op.create_table(
        'diagnostic',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('counselor_id', sa.Integer(), nullable=True),
        sa.Column('guide_version', sa.String(length=20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('current_step', sa.String(length=40), nullable=True),
        sa.Column('last_step_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('active_seconds', sa.Integer(), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('level', sa.String(length=32), nullable=True),
        sa.Column('recommendation', sa.String(length=32), nullable=True),
        sa.Column('reason', sa.String(length=32), nullable=True),
        sa.Column('override_recommendation', sa.String(length=32), nullable=True),
        sa.Column('override_reason', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['counselor_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('diagnostic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnostic_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagnostic_completed_at'), ['completed_at'], unique=False)

    op.create_table(
        'diagnostic_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('diagnostic_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('diagnostic_id', 'question_id', name='uq_diagnostic_answer'),
    )
    with op.batch_alter_table('diagnostic_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnostic_answer_diagnostic_id'), ['diagnostic_id'], unique=False)

    op.create_table(
        'task_observation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('diagnostic_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=40), nullable=False),
        sa.Column('result', sa.String(length=16), nullable=False),
        sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['diagnostic_id'], ['diagnostic.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('diagnostic_id', 'task_id', name='uq_task_observation'),
    )
    with op.batch_alter_table('task_observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_observation_diagnostic_id'), ['diagnostic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_observation_task_id'), ['task_id'], unique=False)


def downgrade():
    op.drop_table('task_observation')
    op.drop_table('diagnostic_answer')
    op.drop_table('diagnostic')
    op.drop_table('employee')
