"""records: exchange, teaching, innovation, governance and evidence

Revision ID: 12b9cfb524f7
Revises: 26547791303b
Create Date: 2026-11-29 18:37:09.783495

"""
from alembic import op
import sqlalchemy as sa


revision = '12b9cfb524f7'
down_revision = '26547791303b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cooperation_agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('parties', sa.Text(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_cooperation_agreement_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_agreement'))
    )
    with op.batch_alter_table('cooperation_agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_agreement_base_id'), ['base_id'], unique=False)

    op.create_table('evidence_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('extension', sa.String(length=8), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_evidence_attachment_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_evidence_attachment_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_attachment_stored_name'))
    )
    with op.batch_alter_table('evidence_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_attachment_base_id'), ['base_id'], unique=False)

    op.create_table('exchange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('secondment', 'visit', 'study_tour', native_enum=False, length=16), nullable=False),
    sa.Column('direction', sa.Enum('university_to_enterprise', 'enterprise_to_university', native_enum=False, length=32), nullable=False),
    sa.Column('person_name', sa.String(length=100), nullable=False),
    sa.Column('person_organisation', sa.String(length=200), nullable=False),
    sa.Column('person_title', sa.String(length=100), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('host_organisation', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('projects_joined', sa.Text(), nullable=False),
    sa.Column('outcomes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_exchange_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_exchange_mentor_id_mentor'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange')),
    sa.UniqueConstraint('base_id', 'kind', 'person_name', 'person_organisation', 'starts_on', name=op.f('uq_exchange_base_id_kind_person_name_person_organisation_starts_on'))
    )
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_starts_on'), ['starts_on'], unique=False)

    op.create_table('exchange_arrangement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_exchange_arrangement_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_arrangement'))
    )
    with op.batch_alter_table('exchange_arrangement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_arrangement_base_id'), ['base_id'], unique=False)

    op.create_table('industry_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('lead_teachers', sa.String(length=500), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('credits', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('terms_offered', sa.String(length=200), nullable=False),
    sa.Column('level', sa.Enum('undergraduate', 'master', 'doctoral', native_enum=False, length=16), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_industry_course_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industry_course')),
    sa.UniqueConstraint('base_id', 'code', name=op.f('uq_industry_course_base_id_code'))
    )
    with op.batch_alter_table('industry_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_industry_course_base_id'), ['base_id'], unique=False)

    op.create_table('joint_lab',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('joint_lab', 'innovation_centre', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('partners', sa.Text(), nullable=False),
    sa.Column('focus', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_joint_lab_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_lab')),
    sa.UniqueConstraint('base_id', 'name', name=op.f('uq_joint_lab_base_id_name'))
    )
    with op.batch_alter_table('joint_lab', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_lab_base_id'), ['base_id'], unique=False)

    op.create_table('major_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('national_major_project', 'major_engineering', 'other', native_enum=False, length=32), nullable=False),
    sa.Column('project_no', sa.String(length=100), nullable=False),
    sa.Column('lead_organisation', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_major_project_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_major_project')),
    sa.UniqueConstraint('base_id', 'name', name=op.f('uq_major_project_base_id_name'))
    )
    with op.batch_alter_table('major_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_major_project_base_id'), ['base_id'], unique=False)

    op.create_table('regulation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.Enum('base_building', 'joint_training', 'mentor_management', 'student_management', 'cooperation_exchange', 'secondment', 'quality_evaluation', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_regulation_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regulation'))
    )
    with op.batch_alter_table('regulation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regulation_base_id'), ['base_id'], unique=False)

    op.create_table('teaching_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_teaching_team_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_team')),
    sa.UniqueConstraint('base_id', 'name', name=op.f('uq_teaching_team_base_id_name'))
    )
    with op.batch_alter_table('teaching_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teaching_team_base_id'), ['base_id'], unique=False)

    op.create_table('training_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=False),
    sa.Column('authors', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_training_plan_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_plan')),
    sa.UniqueConstraint('base_id', 'version', name=op.f('uq_training_plan_base_id_version'))
    )
    with op.batch_alter_table('training_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_plan_base_id'), ['base_id'], unique=False)

    op.create_table('working_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('remit', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_working_group_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group')),
    sa.UniqueConstraint('base_id', name=op.f('uq_working_group_base_id'))
    )
    op.create_table('project_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('student', 'mentor', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('student_no', sa.String(length=64), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_project_participant_mentor_id_mentor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['major_project.id'], name=op.f('fk_project_participant_project_id_major_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_project_participant_student_id_student'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_participant'))
    )
    with op.batch_alter_table('project_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_participant_project_id'), ['project_id'], unique=False)

    op.create_table('result_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('patent_licence', 'patent_assignment', 'technology_transfer', 'software', 'standard', 'other', native_enum=False, length=24), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('transferred_on', sa.Date(), nullable=False),
    sa.Column('contract_value', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_result_transfer_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['major_project.id'], name=op.f('fk_result_transfer_project_id_major_project'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_transfer')),
    sa.UniqueConstraint('base_id', 'title', 'transferred_on', name=op.f('uq_result_transfer_base_id_title_transferred_on'))
    )
    with op.batch_alter_table('result_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_transfer_base_id'), ['base_id'], unique=False)

    op.create_table('teaching_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('authors', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_teaching_case_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['course_id'], ['industry_course.id'], name=op.f('fk_teaching_case_course_id_industry_course'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_case')),
    sa.UniqueConstraint('base_id', 'title', name=op.f('uq_teaching_case_base_id_title'))
    )
    with op.batch_alter_table('teaching_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teaching_case_base_id'), ['base_id'], unique=False)

    op.create_table('teaching_team_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('side', sa.Enum('university', 'enterprise', native_enum=False, length=16), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.Column('from_on', sa.Date(), nullable=False),
    sa.Column('until_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_teaching_team_member_mentor_id_mentor'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teaching_team.id'], name=op.f('fk_teaching_team_member_team_id_teaching_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_team_member'))
    )
    with op.batch_alter_table('teaching_team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teaching_team_member_team_id'), ['team_id'], unique=False)

    op.create_table('textbook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('authors', sa.String(length=500), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('isbn', sa.String(length=13), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_textbook_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['course_id'], ['industry_course.id'], name=op.f('fk_textbook_course_id_industry_course'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_textbook')),
    sa.UniqueConstraint('base_id', 'isbn', name=op.f('uq_textbook_base_id_isbn'))
    )
    with op.batch_alter_table('textbook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_textbook_base_id'), ['base_id'], unique=False)

    op.create_table('working_group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('side', sa.Enum('university', 'enterprise', native_enum=False, length=16), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.Column('group_role', sa.Enum('leader', 'deputy_leader', 'member', 'secretary', native_enum=False, length=16), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('from_on', sa.Date(), nullable=False),
    sa.Column('until_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_working_group_member_group_id_working_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_working_group_member_mentor_id_mentor'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group_member'))
    )
    with op.batch_alter_table('working_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_member_group_id'), ['group_id'], unique=False)



def downgrade():
    with op.batch_alter_table('working_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_member_group_id'))

    op.drop_table('working_group_member')
    with op.batch_alter_table('textbook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_textbook_base_id'))

    op.drop_table('textbook')
    with op.batch_alter_table('teaching_team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teaching_team_member_team_id'))

    op.drop_table('teaching_team_member')
    with op.batch_alter_table('teaching_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teaching_case_base_id'))

    op.drop_table('teaching_case')
    with op.batch_alter_table('result_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_transfer_base_id'))

    op.drop_table('result_transfer')
    with op.batch_alter_table('project_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_participant_project_id'))

    op.drop_table('project_participant')
    op.drop_table('working_group')
    with op.batch_alter_table('training_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_plan_base_id'))

    op.drop_table('training_plan')
    with op.batch_alter_table('teaching_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teaching_team_base_id'))

    op.drop_table('teaching_team')
    with op.batch_alter_table('regulation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regulation_base_id'))

    op.drop_table('regulation')
    with op.batch_alter_table('major_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_major_project_base_id'))

    op.drop_table('major_project')
    with op.batch_alter_table('joint_lab', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_lab_base_id'))

    op.drop_table('joint_lab')
    with op.batch_alter_table('industry_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_industry_course_base_id'))

    op.drop_table('industry_course')
    with op.batch_alter_table('exchange_arrangement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_arrangement_base_id'))

    op.drop_table('exchange_arrangement')
    with op.batch_alter_table('exchange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_starts_on'))
        batch_op.drop_index(batch_op.f('ix_exchange_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_exchange_base_id'))

    op.drop_table('exchange')
    with op.batch_alter_table('evidence_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_attachment_base_id'))
        batch_op.drop_index('ix_attachment_record')

    op.drop_table('evidence_attachment')
    with op.batch_alter_table('cooperation_agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_agreement_base_id'))

    op.drop_table('cooperation_agreement')
