"""construction cycles: cycles, construction years for plans and annual reports, summary reports,
evaluations with their experts, objections to the public notice

Existing data moves: every recognised base gets cycle 1 (from its recognition to + 3 years - 1
day); plan targets and annual reports of calendar year Y move to construction year
Y - (recognition year) + 1 of that cycle (the old plan's first, second and third years); the
cycle end recorded on past steps is corrected to the cycle's last day.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op
from dateutil.relativedelta import relativedelta

revision = 'construction_cycles'
down_revision = 'key_fields'
branch_labels = None
depends_on = None

CYCLE_STATES = ('in_construction', 'rectification', 'passed', 'revoked')


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False)]


def upgrade():
    op.create_table('construction_cycle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('state', sa.Enum(*CYCLE_STATES, native_enum=False, length=32), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_construction_cycle_base_id_base'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_construction_cycle')),
        sa.UniqueConstraint('base_id', 'number', name=op.f('uq_construction_cycle_base_id_number')))
    with op.batch_alter_table('construction_cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_construction_cycle_base_id'), ['base_id'], unique=False)

    op.create_table('objection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=True),
        sa.Column('raised_by', sa.String(length=200), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('resolution', sa.Text(), nullable=False),
        sa.Column('resolved_on', sa.Date(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_objection_base_id_base'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_objection_submission_id_submission'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_objection')))
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_base_id'), ['base_id'], unique=False)

    op.create_table('summary_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=False),
        sa.Column('overview', sa.Text(), nullable=False),
        sa.Column('built', sa.JSON(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_summary_report_base_id_base'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['cycle_id'], ['construction_cycle.id'],
                                name=op.f('fk_summary_report_cycle_id_construction_cycle'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_report')),
        sa.UniqueConstraint('cycle_id', name=op.f('uq_summary_report_cycle_id')))
    with op.batch_alter_table('summary_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_report_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_summary_report_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('cycle_evaluation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('evaluation', 're_evaluation', native_enum=False, length=32), nullable=False),
        sa.Column('evaluated_on', sa.Date(), nullable=False),
        sa.Column('grade', sa.Enum('excellent', 'good', 'pass', 'fail', native_enum=False, length=32), nullable=True),
        sa.Column('accepted', sa.Boolean(), nullable=True),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('support_conditions', sa.Text(), nullable=False),
        sa.Column('support_enrolment', sa.Text(), nullable=False),
        sa.Column('support_other', sa.Text(), nullable=False),
        sa.Column('status_change_id', sa.Integer(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_cycle_evaluation_base_id_base'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['cycle_id'], ['construction_cycle.id'],
                                name=op.f('fk_cycle_evaluation_cycle_id_construction_cycle'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['status_change_id'], ['status_change.id'],
                                name=op.f('fk_cycle_evaluation_status_change_id_status_change'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cycle_evaluation')),
        sa.UniqueConstraint('cycle_id', 'kind', name=op.f('uq_cycle_evaluation_cycle_id_kind')))
    with op.batch_alter_table('cycle_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cycle_evaluation_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cycle_evaluation_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('evaluation_expert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('opinion', sa.Text(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_evaluation_expert_base_id_base'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['evaluation_id'], ['cycle_evaluation.id'],
                                name=op.f('fk_evaluation_expert_evaluation_id_cycle_evaluation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_expert')))
    with op.batch_alter_table('evaluation_expert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_expert_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_expert_evaluation_id'), ['evaluation_id'], unique=False)

    for table in ('plan_target', 'annual_report'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('cycle_id', sa.Integer(), nullable=True))

    _move_data()

    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.alter_column('cycle_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_plan_target_base_id_indicator_year', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_plan_target_cycle_id_indicator_year'),
                                          ['cycle_id', 'indicator', 'year'])
        batch_op.create_foreign_key(batch_op.f('fk_plan_target_cycle_id_construction_cycle'), 'construction_cycle',
                                    ['cycle_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_index(batch_op.f('ix_plan_target_cycle_id'), ['cycle_id'], unique=False)
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.alter_column('cycle_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_annual_report_base_id_year', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_annual_report_cycle_id_year'), ['cycle_id', 'year'])
        batch_op.create_foreign_key(batch_op.f('fk_annual_report_cycle_id_construction_cycle'), 'construction_cycle',
                                    ['cycle_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_index(batch_op.f('ix_annual_report_cycle_id'), ['cycle_id'], unique=False)


def _move_data():
    conn = op.get_bind()
    now = dt.datetime.now(dt.timezone.utc)
    base = sa.table('base', sa.column('id', sa.Integer), sa.column('status', sa.String))
    change = sa.table('status_change', sa.column('id', sa.Integer), sa.column('base_id', sa.Integer),
                      sa.column('to_status', sa.String), sa.column('effective_on', sa.Date),
                      sa.column('cycle_ends_on', sa.Date))
    cycle = sa.table('construction_cycle', sa.column('id', sa.Integer), sa.column('base_id', sa.Integer),
                     sa.column('number', sa.Integer), sa.column('starts_on', sa.Date), sa.column('ends_on', sa.Date),
                     sa.column('state', sa.String), sa.column('created_at', sa.DateTime(timezone=True)),
                     sa.column('updated_at', sa.DateTime(timezone=True)))
    status = dict(conn.execute(sa.select(base.c.id, base.c.status)).all())
    recognised = {}
    for base_id, on in conn.execute(sa.select(change.c.base_id, change.c.effective_on)
                                    .where(change.c.to_status == 'recognised')
                                    .order_by(change.c.effective_on, change.c.id)):
        recognised[base_id] = on  # the latest recognition
    starts = {}
    for base_id, start in recognised.items():
        end = start + relativedelta(years=3) - dt.timedelta(days=1)
        state = status.get(base_id) if status.get(base_id) in CYCLE_STATES else 'in_construction'
        conn.execute(sa.insert(cycle).values(base_id=base_id, number=1, starts_on=start, ends_on=end, state=state,
                                             created_at=now, updated_at=now))
        conn.execute(sa.update(change).where(change.c.base_id == base_id, change.c.to_status == 'in_construction')
                     .values(cycle_ends_on=end))
        starts[base_id] = start
    cycle_ids = dict(conn.execute(sa.select(cycle.c.base_id, cycle.c.id)).all())
    for table in ('plan_target', 'annual_report'):
        t = sa.table(table, sa.column('id', sa.Integer), sa.column('base_id', sa.Integer),
                     sa.column('year', sa.Integer), sa.column('cycle_id', sa.Integer))
        for row_id, base_id, year in conn.execute(sa.select(t.c.id, t.c.base_id, t.c.year)).all():
            if base_id not in starts:
                conn.execute(sa.delete(t).where(t.c.id == row_id))  # no recognition: no plan (never kept)
                continue
            conn.execute(sa.update(t).where(t.c.id == row_id)
                         .values(cycle_id=cycle_ids[base_id], year=year - starts[base_id].year + 1))


def downgrade():
    conn = op.get_bind()
    cycle = sa.table('construction_cycle', sa.column('id', sa.Integer), sa.column('starts_on', sa.Date))
    starts = dict(conn.execute(sa.select(cycle.c.id, cycle.c.starts_on)).all())
    for table in ('plan_target', 'annual_report'):
        t = sa.table(table, sa.column('id', sa.Integer), sa.column('year', sa.Integer), sa.column('cycle_id', sa.Integer))
        for row_id, cycle_id, year in conn.execute(sa.select(t.c.id, t.c.cycle_id, t.c.year)).all():
            conn.execute(sa.update(t).where(t.c.id == row_id).values(year=starts[cycle_id].year + year - 1))
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_report_cycle_id'))
        batch_op.drop_constraint(batch_op.f('fk_annual_report_cycle_id_construction_cycle'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_annual_report_cycle_id_year'), type_='unique')
        batch_op.create_unique_constraint('uq_annual_report_base_id_year', ['base_id', 'year'])
        batch_op.drop_column('cycle_id')
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_target_cycle_id'))
        batch_op.drop_constraint(batch_op.f('fk_plan_target_cycle_id_construction_cycle'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_plan_target_cycle_id_indicator_year'), type_='unique')
        batch_op.create_unique_constraint('uq_plan_target_base_id_indicator_year', ['base_id', 'indicator', 'year'])
        batch_op.drop_column('cycle_id')
    for table in ('evaluation_expert', 'cycle_evaluation', 'summary_report', 'objection', 'construction_cycle'):
        op.drop_table(table)
