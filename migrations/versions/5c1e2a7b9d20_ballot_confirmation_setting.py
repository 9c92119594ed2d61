"""a body may ask for a second tap before a ballot is recorded

Revision ID: 5c1e2a7b9d20
Revises: 029bafdfe958
Create Date: 2026-11-27 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e2a7b9d20'
down_revision = '029bafdfe958'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('confirm_ballots', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_column('confirm_ballots')
