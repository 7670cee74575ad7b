"""courses offered between SIAE: offers, half-days, enrolments and their history; the mail outbox;
SIAE roles and contacts, counselors' phones, « excusé » attendance

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 16:40:34.429455

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('ics', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_mail_message_dedupe_key'))
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_message_status'), ['status'], unique=False)

    op.create_table('course_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('siae_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('animator_id', sa.Integer(), nullable=False),
    sa.Column('place_name', sa.String(length=120), nullable=False),
    sa.Column('place_address', sa.String(length=300), nullable=False),
    sa.Column('region', sa.String(length=80), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), server_default='0', nullable=False),
    sa.Column('enrol_deadline', sa.Date(), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('seats_taken >= 0 AND seats_taken <= capacity', name=op.f('ck_course_offer_seats')),
    sa.ForeignKeyConstraint(['animator_id'], ['user_account.id'], name=op.f('fk_course_offer_animator_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_course_offer_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['training_group.id'], name=op.f('fk_course_offer_group_id_training_group')),
    sa.ForeignKeyConstraint(['siae_id'], ['siae.id'], name=op.f('fk_course_offer_siae_id_siae')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_offer')),
    sa.UniqueConstraint('group_id', name=op.f('uq_course_offer_group_id'))
    )
    with op.batch_alter_table('course_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_offer_animator_id'), ['animator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_offer_departement'), ['departement'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_offer_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_offer_siae_id'), ['siae_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_offer_status'), ['status'], unique=False)

    op.create_table('course_half_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['offer_id'], ['course_offer.id'], name=op.f('fk_course_half_day_offer_id_course_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], name=op.f('fk_course_half_day_session_id_training_session'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_half_day')),
    sa.UniqueConstraint('offer_id', 'number', name='uq_course_half_day_number'),
    sa.UniqueConstraint('session_id', name=op.f('uq_course_half_day_session_id'))
    )
    with op.batch_alter_table('course_half_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_half_day_offer_id'), ['offer_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=20), nullable=True),
    sa.Column('cancel_note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['user_account.id'], name=op.f('fk_enrolment_cancelled_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_enrolment_employee_id_employee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['user_account.id'], name=op.f('fk_enrolment_enrolled_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['course_offer.id'], name=op.f('fk_enrolment_offer_id_course_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_enrolment_participant_id_participant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_status'), ['status'], unique=False)
        batch_op.create_index('uq_enrolment_live', ['offer_id', 'employee_id'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))

    op.create_table('enrolment_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_enrolment_event_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_enrolment_event_enrolment_id_enrolment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_event'))
    )
    with op.batch_alter_table('enrolment_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_event_enrolment_id'), ['enrolment_id'], unique=False)

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excused', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('siae', schema=None) as batch_op:
        batch_op.add_column(sa.Column('departement', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('orientatrice', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('animatrice', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=20), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('phone')

    with op.batch_alter_table('siae', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('animatrice')
        batch_op.drop_column('orientatrice')
        batch_op.drop_column('departement')

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_column('excused')

    with op.batch_alter_table('enrolment_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_event_enrolment_id'))

    op.drop_table('enrolment_event')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index('uq_enrolment_live', sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_enrolment_status'))
        batch_op.drop_index(batch_op.f('ix_enrolment_offer_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_employee_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('course_half_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_half_day_offer_id'))

    op.drop_table('course_half_day')
    with op.batch_alter_table('course_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_offer_status'))
        batch_op.drop_index(batch_op.f('ix_course_offer_siae_id'))
        batch_op.drop_index(batch_op.f('ix_course_offer_region'))
        batch_op.drop_index(batch_op.f('ix_course_offer_departement'))
        batch_op.drop_index(batch_op.f('ix_course_offer_animator_id'))

    op.drop_table('course_offer')
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_message_status'))
        batch_op.drop_index(batch_op.f('ix_mail_message_next_attempt_at'))

    op.drop_table('mail_message')
