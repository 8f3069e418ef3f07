"""checks: application rounds, submissions, reviews, status history, plans and annual reports

Revision ID: ab656315a8da
Revises: 12b9cfb524f7
Create Date: 2026-11-29 18:37:12.032408

"""
from alembic import op
import sqlalchemy as sa


revision = 'ab656315a8da'
down_revision = '12b9cfb524f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('quota_ministry', sa.Integer(), nullable=False),
    sa.Column('quota_co_built', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_round')),
    sa.UniqueConstraint('year', name=op.f('uq_application_round_year'))
    )
    op.create_table('annual_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_annual_report_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report')),
    sa.UniqueConstraint('base_id', 'year', name=op.f('uq_annual_report_base_id_year'))
    )
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_report_base_id'), ['base_id'], unique=False)

    op.create_table('plan_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_plan_target_base_id_base'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_target')),
    sa.UniqueConstraint('base_id', 'indicator', 'year', name=op.f('uq_plan_target_base_id_indicator_year'))
    )
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_target_base_id'), ['base_id'], unique=False)

    op.create_table('round_reviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['application_round.id'], name=op.f('fk_round_reviewer_round_id_application_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_round_reviewer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_reviewer')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_round_reviewer_round_id_user_id'))
    )
    with op.batch_alter_table('round_reviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_reviewer_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_reviewer_user_id'), ['user_id'], unique=False)

    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_submission_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['application_round.id'], name=op.f('fk_submission_round_id_application_round'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_submission_submitted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['university_id'], ['university.id'], name=op.f('fk_submission_university_id_university'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('round_id', 'base_id', name=op.f('uq_submission_round_id_base_id'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_university_id'), ['university_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_review_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_review_reviewer_id_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_review_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('submission_id', 'reviewer_id', name=op.f('uq_review_submission_id_reviewer_id'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_submission_id'), ['submission_id'], unique=False)

    op.create_table('status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.Enum('preparing', 'submitted', 'under_review', 'public_notice', 'recognised', 'in_construction', 'rectification', 'passed', 'revoked', 'not_recognised', native_enum=False, length=32), nullable=False),
    sa.Column('to_status', sa.Enum('preparing', 'submitted', 'under_review', 'public_notice', 'recognised', 'in_construction', 'rectification', 'passed', 'revoked', 'not_recognised', native_enum=False, length=32), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.String(length=500), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=120), nullable=False),
    sa.Column('notice_ends_on', sa.Date(), nullable=True),
    sa.Column('cycle_ends_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_status_change_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_status_change_base_id_base'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_status_change_submission_id_submission'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_change'))
    )
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_change_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_change_effective_on'), ['effective_on'], unique=False)



def downgrade():
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_change_effective_on'))
        batch_op.drop_index(batch_op.f('ix_status_change_base_id'))

    op.drop_table('status_change')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_submission_id'))
        batch_op.drop_index(batch_op.f('ix_review_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_review_base_id'))

    op.drop_table('review')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_university_id'))
        batch_op.drop_index(batch_op.f('ix_submission_round_id'))
        batch_op.drop_index(batch_op.f('ix_submission_base_id'))

    op.drop_table('submission')
    with op.batch_alter_table('round_reviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_reviewer_user_id'))
        batch_op.drop_index(batch_op.f('ix_round_reviewer_round_id'))

    op.drop_table('round_reviewer')
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_target_base_id'))

    op.drop_table('plan_target')
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_report_base_id'))

    op.drop_table('annual_report')
    op.drop_table('application_round')
