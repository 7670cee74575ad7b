"""the room's Wi-Fi on a live session

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 10:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wifi_ssid', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('wifi_password', sa.String(length=63), nullable=True))


def downgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_column('wifi_password')
        batch_op.drop_column('wifi_ssid')
