"""Key fields become a managed list: the key_field table, seeded with the ten fields of the notice

Bases keep the field's code (base.field, unchanged); the list of codes and their names moves from
the code to this table, so the ministry can add fields (`flask field add`, the administrators' page).

Revision ID: key_fields
Revises: suspension_periods
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = 'key_fields'
down_revision = 'suspension_periods'
branch_labels = None
depends_on = None

SEEDED = (
    ("energetic_materials", "火炸药", "Energetic materials"),
    ("aerospace_propulsion", "航天动力", "Aerospace propulsion"),
    ("ict", "新一代信息通信技术", "New-generation information and communication technology"),
    ("key_software", "关键软件", "Key software"),
    ("new_materials", "新材料", "New materials"),
    ("aeroengines_gas_turbines", "航空发动机及燃气轮机（“两机”）", "Aero-engines and gas turbines"),
    ("ships_ocean", "船舶与海洋工程", "Ships and ocean engineering"),
    ("ai", "人工智能", "Artificial intelligence"),
    ("integrated_circuits", "集成电路", "Integrated circuits"),
    ("ordnance", "兵器科学与技术", "Ordnance science and technology"),
)


def upgrade():
    key_field = op.create_table('key_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_field')),
    sa.UniqueConstraint('code', name=op.f('uq_key_field_code'))
    )
    now = dt.datetime.now(dt.timezone.utc)
    op.bulk_insert(key_field, [{"code": c, "name_zh": zh, "name_en": en, "position": i, "created_at": now,
                                "updated_at": now} for i, (c, zh, en) in enumerate(SEEDED, start=1)])


def downgrade():
    op.drop_table('key_field')
