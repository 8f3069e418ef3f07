"""quality: quality records (site visits, self- and third-party assessments, supervision visits),
reviewers' affiliations, experts assigned to a base

Revision ID: quality_records
Revises: ab656315a8da
"""
from alembic import op
import sqlalchemy as sa


revision = 'quality_records'
down_revision = 'row_versions'
branch_labels = None
depends_on = None

STAMPS = (lambda: sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
          lambda: sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False))


def upgrade():
    op.create_table('quality_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('site_visit', 'self_assessment', 'third_party_assessment', 'supervision_visit',
                              native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('experts', sa.Text(), nullable=False),
    sa.Column('assessor', sa.String(length=200), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    *(s() for s in STAMPS),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_quality_record_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_record'))
    )
    with op.batch_alter_table('quality_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_record_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_record_held_on'), ['held_on'], unique=False)

    op.create_table('reviewer_affiliation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    *(s() for s in STAMPS),
    sa.CheckConstraint('(university_id IS NULL) <> (enterprise_id IS NULL)',
                       name=op.f('ck_reviewer_affiliation_one_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reviewer_affiliation_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['university_id'], ['university.id'], name=op.f('fk_reviewer_affiliation_university_id_university'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_reviewer_affiliation_enterprise_id_enterprise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer_affiliation'))
    )
    with op.batch_alter_table('reviewer_affiliation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewer_affiliation_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewer_affiliation_university_id'), ['university_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewer_affiliation_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('expert_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('application_review', 'site_visit', 'evaluation', 'supervision',
                                 native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    *(s() for s in STAMPS),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_expert_assignment_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_expert_assignment_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_assignment')),
    sa.UniqueConstraint('base_id', 'user_id', 'purpose', name=op.f('uq_expert_assignment_base_id_user_id_purpose'))
    )
    with op.batch_alter_table('expert_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_assignment_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_assignment_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('expert_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_assignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_expert_assignment_base_id'))
    op.drop_table('expert_assignment')
    with op.batch_alter_table('reviewer_affiliation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewer_affiliation_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_reviewer_affiliation_university_id'))
        batch_op.drop_index(batch_op.f('ix_reviewer_affiliation_user_id'))
    op.drop_table('reviewer_affiliation')
    with op.batch_alter_table('quality_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_record_held_on'))
        batch_op.drop_index(batch_op.f('ix_quality_record_base_id'))
    op.drop_table('quality_record')
