"""audit chain: each event's position (seq), and events pending their place in the chain

Revision ID: e19a4c2d8b57
Revises: 3e8a6d1f0b52
Create Date: 2026-11-27 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e19a4c2d8b57'
down_revision = '3e8a6d1f0b52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_pending_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_pending'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    # Existing events take their place in id order: the chain's order so far.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'UPDATE audit_events SET seq = numbered.n FROM '
            '(SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_events) AS numbered '
            'WHERE numbered.id = audit_events.id'
        )
    else:
        op.execute(
            'UPDATE audit_events SET seq = '
            '(SELECT count(*) FROM audit_events AS earlier WHERE earlier.id <= audit_events.id)'
        )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_column('seq')
    op.drop_table('audit_pending')
