"""sealed secret ballots: one sealed box per secret choice

Revision ID: 5e1a7c0b2d93
Revises: 34b3d136d0ea
Create Date: 2026-11-27 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a7c0b2d93'
down_revision = '34b3d136d0ea'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sealed_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('box', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint('length(box) = 68', name=op.f('ck_sealed_ballots_box_length')),
    sa.ForeignKeyConstraint(['motion_id'], ['motions.id'], name=op.f('fk_sealed_ballots_motion_id_motions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_ballots'))
    )
    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sealed_ballots_motion_id'), ['motion_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sealed_ballots_motion_id'))
    op.drop_table('sealed_ballots')
