"""rosters: students and their dual-mentor assignments

Revision ID: 26547791303b
Revises: c0685521e93c
Create Date: 2026-11-29 18:37:07.642530

"""
from alembic import op
import sqlalchemy as sa


revision = '26547791303b'
down_revision = 'c0685521e93c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('student',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('student_no', sa.String(length=64), nullable=False),
    sa.Column('level', sa.Enum('undergraduate', 'master', 'doctoral', native_enum=False, length=16), nullable=False),
    sa.Column('enrolment_year', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=200), nullable=False),
    sa.Column('major_project', sa.String(length=300), nullable=False),
    sa.Column('graduated_on', sa.Date(), nullable=True),
    sa.Column('employment', sa.Enum('partner_enterprise', 'industry', 'other', 'further_study', 'seeking', native_enum=False, length=24), nullable=True),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_student_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student')),
    sa.UniqueConstraint('base_id', 'student_no', name=op.f('uq_student_base_id_student_no'))
    )
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_base_id'), ['base_id'], unique=False)

    op.create_table('mentor_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('university_mentor_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_mentor_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_mentor_assignment_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['enterprise_mentor_id'], ['mentor.id'], name=op.f('fk_mentor_assignment_enterprise_mentor_id_mentor'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_mentor_assignment_student_id_student'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['university_mentor_id'], ['mentor.id'], name=op.f('fk_mentor_assignment_university_mentor_id_mentor'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_assignment'))
    )
    with op.batch_alter_table('mentor_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_assignment_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_assignment_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_assignment_enterprise_mentor_id'), ['enterprise_mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_assignment_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_assignment_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_assignment_university_mentor_id'), ['university_mentor_id'], unique=False)



def downgrade():
    with op.batch_alter_table('mentor_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_assignment_university_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_assignment_student_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_assignment_starts_on'))
        batch_op.drop_index(batch_op.f('ix_mentor_assignment_enterprise_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_assignment_ends_on'))
        batch_op.drop_index(batch_op.f('ix_mentor_assignment_base_id'))

    op.drop_table('mentor_assignment')
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_base_id'))

    op.drop_table('student')
