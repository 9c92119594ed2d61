"""residents' 我也遇到过 on topics, one per device

Revision ID: 7d3f9b2c4e61
Revises: 5c1e2a7b9d20
Create Date: 2026-11-27 15:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3f9b2c4e61'
down_revision = '5c1e2a7b9d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('me_toos',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_me_toos_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'device_hash', name=op.f('pk_me_toos'))
    )


def downgrade():
    op.drop_table('me_toos')
