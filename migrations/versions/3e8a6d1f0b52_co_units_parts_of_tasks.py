"""co-units (协办) with their own part and state of a task; units with tasks of a body join it

The 派单 form now lists only the body's units (``body_units``): a unit that already has a task of
a body's resolution is added to that body, so existing bodies keep the units they work with.

Revision ID: 3e8a6d1f0b52
Revises: 7d3f9b2c4e61
Create Date: 2026-11-27 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e8a6d1f0b52'
down_revision = '7d3f9b2c4e61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('signed_late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('report', sa.Text(), server_default='', nullable=False),
    sa.Column('decline_reason', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("description <> ''", name=op.f('ck_task_parts_has_description')),
    sa.CheckConstraint("status <> 'declined' OR decline_reason <> ''", name=op.f('ck_task_parts_declined_has_reason')),
    sa.CheckConstraint("status IN ('assigned','accepted','in_progress','done','declined')", name=op.f('ck_task_parts_status_known')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_parts_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['responsible_units.id'], name=op.f('fk_task_parts_unit_id_responsible_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_parts')),
    sa.UniqueConstraint('task_id', 'unit_id', name=op.f('uq_task_parts_task_id_unit_id'))
    )
    with op.batch_alter_table('task_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_parts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_parts_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_parts_unit_id'), ['unit_id'], unique=False)

    op.execute(
        "INSERT INTO body_units (body_id, unit_id, added_at) "
        "SELECT DISTINCT resolutions.body_id, tasks.unit_id, CURRENT_TIMESTAMP "
        "FROM tasks JOIN resolutions ON resolutions.id = tasks.resolution_id "
        "WHERE NOT EXISTS (SELECT 1 FROM body_units WHERE body_units.body_id = resolutions.body_id "
        "AND body_units.unit_id = tasks.unit_id)"
    )


def downgrade():
    # the units added to bodies stay: they are the bodies' units either way
    with op.batch_alter_table('task_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_parts_unit_id'))
        batch_op.drop_index(batch_op.f('ix_task_parts_task_id'))
        batch_op.drop_index(batch_op.f('ix_task_parts_status'))

    op.drop_table('task_parts')
