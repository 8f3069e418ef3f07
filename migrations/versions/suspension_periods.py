"""Suspensions become dated periods: today's suspended flags turn into open periods

Each appointment whose state is "suspended" gets an open suspension starting on the day (in the
registry's time zone, Asia/Shanghai unless TIMEZONE says otherwise) the audit log shows it was
suspended: the last audit entry of that appointment whose change set the state to "suspended".
Without such an entry, the day the appointment row was last changed (its updated_at) is used: the
suspension cannot have been made later than that, and a later start keeps past dates counting the
person (the team as it was). Either day is kept within the appointment's own start and end. The
appointment goes back to "active" and its reason moves to the period.

Revision ID: suspension_periods
Revises: ab656315a8da
"""
import datetime as dt
import json
import os
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = 'suspension_periods'
down_revision = 'notifications'
branch_labels = None
depends_on = None


def _local_day(value, zone):
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace(" ", "T"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone).date()


def _changes(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return {}
    return value or {}


def upgrade():
    op.create_table('suspension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_suspension_appointment_id_appointment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_suspension_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_suspension_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspension')),
    sa.UniqueConstraint('appointment_id', 'starts_on', name=op.f('uq_suspension_appointment_id_starts_on'))
    )
    with op.batch_alter_table('suspension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suspension_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suspension_base_id'), ['base_id'], unique=False)

    conn = op.get_bind()
    zone = ZoneInfo(os.environ.get("TIMEZONE") or "Asia/Shanghai")
    appointment = sa.table('appointment', sa.column('id', sa.Integer), sa.column('base_id', sa.Integer),
                           sa.column('starts_on', sa.Date), sa.column('ends_on', sa.Date),
                           sa.column('state', sa.String), sa.column('reason', sa.String),
                           sa.column('updated_at', sa.DateTime(timezone=True)))
    audit = sa.table('audit_entry', sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                     sa.column('actor_id', sa.Integer), sa.column('table', sa.String),
                     sa.column('record_id', sa.Integer), sa.column('changes', sa.JSON))
    suspension = sa.table('suspension', sa.column('appointment_id', sa.Integer), sa.column('base_id', sa.Integer),
                          sa.column('starts_on', sa.Date), sa.column('ends_on', sa.Date),
                          sa.column('reason', sa.String), sa.column('recorded_by_id', sa.Integer),
                          sa.column('recorded_at', sa.DateTime(timezone=True)))
    suspended = conn.execute(sa.select(appointment).where(appointment.c.state == 'suspended')).all()
    if not suspended:
        return
    ids = [a.id for a in suspended]
    made = {}  # appointment id -> (at, actor id) of the latest change to "suspended"
    for chunk in range(0, len(ids), 500):
        for e in conn.execute(sa.select(audit.c.record_id, audit.c.at, audit.c.actor_id, audit.c.changes)
                              .where(audit.c.table == 'appointment', audit.c.record_id.in_(ids[chunk:chunk + 500]))
                              .order_by(audit.c.at, audit.c.id)):
            state = _changes(e.changes).get('state')
            if isinstance(state, (list, tuple)) and len(state) == 2 and state[1] == 'suspended':
                made[e.record_id] = (e.at, e.actor_id)
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for a in suspended:
        at, actor = made.get(a.id, (a.updated_at, None))
        day = _local_day(at, zone) or a.starts_on
        starts_on = _as_date(a.starts_on)
        day = max(day, starts_on)
        if a.ends_on is not None:
            day = min(day, _as_date(a.ends_on))
        rows.append({'appointment_id': a.id, 'base_id': a.base_id, 'starts_on': day, 'ends_on': None,
                     'reason': a.reason or '', 'recorded_by_id': actor, 'recorded_at': at or now})
    op.bulk_insert(suspension, rows)
    conn.execute(appointment.update().where(appointment.c.id.in_(ids)).values(state='active', reason=''))


def _as_date(value):
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def downgrade():
    conn = op.get_bind()
    conn.execute(sa.text(
        "UPDATE appointment SET state = 'suspended', "
        "reason = (SELECT s.reason FROM suspension s WHERE s.appointment_id = appointment.id AND s.ends_on IS NULL "
        "ORDER BY s.starts_on DESC LIMIT 1) "
        "WHERE state = 'active' AND EXISTS (SELECT 1 FROM suspension s WHERE s.appointment_id = appointment.id "
        "AND s.ends_on IS NULL)"))
    with op.batch_alter_table('suspension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suspension_base_id'))
        batch_op.drop_index(batch_op.f('ix_suspension_appointment_id'))
    op.drop_table('suspension')
