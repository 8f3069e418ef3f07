"""foundation: accounts, organisations, bases, mentors, appointments, audit log

Revision ID: c0685521e93c
Revises: 
Create Date: 2026-11-29 17:48:52.208096

"""
from alembic import op
import sqlalchemy as sa


revision = 'c0685521e93c'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sector', sa.Enum('aviation', 'aerospace', 'ordnance', 'shipbuilding', 'nuclear', 'military_electronics', 'core_technology', native_enum=False, length=32), nullable=True),
    sa.Column('scale', sa.String(length=200), nullable=False),
    sa.Column('rd_focus', sa.Text(), nullable=False),
    sa.Column('practice_conditions', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('name', name=op.f('uq_enterprise_name'))
    )
    op.create_table('mentor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('side', sa.Enum('university', 'enterprise', native_enum=False, length=16), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('staff_no', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('degree', sa.String(length=100), nullable=False),
    sa.Column('expertise', sa.String(length=500), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('biography', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor')),
    sa.UniqueConstraint('organisation', 'staff_no', name=op.f('uq_mentor_organisation_staff_no'))
    )
    op.create_table('university',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('ministry', 'co_built', native_enum=False, length=32), nullable=False),
    sa.Column('province', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_university')),
    sa.UniqueConstraint('name', name=op.f('uq_university_name'))
    )
    op.create_table('base',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('field', sa.Enum('energetic_materials', 'aerospace_propulsion', 'ict', 'key_software', 'new_materials', 'aeroengines_gas_turbines', 'ships_ocean', 'ai', 'integrated_circuits', 'ordnance', native_enum=False, length=32), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('cooperation_since', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('preparing', 'submitted', 'under_review', 'public_notice', 'recognised', 'in_construction', 'rectification', 'passed', 'revoked', 'not_recognised', native_enum=False, length=32), nullable=False),
    sa.Column('max_students_per_mentor', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('excellent_engineer_programme', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['university_id'], ['university.id'], name=op.f('fk_base_university_id_university'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_base')),
    sa.UniqueConstraint('code', name=op.f('uq_base_code'))
    )
    with op.batch_alter_table('base', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_base_university_id'), ['university_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'reviewer', 'university_coordinator', 'base_coordinator', 'mentor', native_enum=False, length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('university_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_user_mentor_id_mentor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['university_id'], ['university.id'], name=op.f('fk_user_university_id_university'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('active', 'suspended', 'ended', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_appointment_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_appointment_mentor_id_mentor'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment')),
    sa.UniqueConstraint('base_id', 'mentor_id', 'starts_on', name=op.f('uq_appointment_base_id_mentor_id_starts_on'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_starts_on'), ['starts_on'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('table', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('record_label', sa.String(length=200), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_entry_actor_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_table'), ['table'], unique=False)

    op.create_table('base_enterprise',
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_base_enterprise_base_id_base'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_base_enterprise_enterprise_id_enterprise'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('base_id', 'enterprise_id', name=op.f('pk_base_enterprise'))
    )
    op.create_table('user_base',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_user_base_base_id_base'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_base_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'base_id', name=op.f('pk_user_base'))
    )


def downgrade():
    op.drop_table('user_base')
    op.drop_table('base_enterprise')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_table'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_base_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_starts_on'))
        batch_op.drop_index(batch_op.f('ix_appointment_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_ends_on'))
        batch_op.drop_index(batch_op.f('ix_appointment_base_id'))

    op.drop_table('appointment')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('user')
    with op.batch_alter_table('base', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_base_university_id'))

    op.drop_table('base')
    op.drop_table('university')
    op.drop_table('mentor')
    op.drop_table('enterprise')
