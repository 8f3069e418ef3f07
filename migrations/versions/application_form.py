"""application_form: the application's plan and narrative while a base is prepared, the form frozen with a submission, review indicators and scores

Revision ID: application_form
Revises: construction_cycles
"""
from alembic import op
import sqlalchemy as sa


revision = 'application_form'
down_revision = 'quality_records'
branch_labels = None
depends_on = None


def _timestamps():
    return (sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False))


def upgrade():
    op.create_table('application_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('goals', sa.Text(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('safeguards', sa.Text(), nullable=False),
        sa.Column('funding', sa.Text(), nullable=False),
        sa.Column('contact_name', sa.String(length=100), nullable=False),
        sa.Column('contact_phone', sa.String(length=40), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('university_opinion', sa.Text(), nullable=False),
        sa.Column('enterprise_opinion', sa.Text(), nullable=False),
        sa.Column('targets', sa.JSON(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_application_plan_base_id_base'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application_plan')),
        sa.UniqueConstraint('base_id', name=op.f('uq_application_plan_base_id')))
    op.create_table('application_form',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['base_id'], ['base.id'], name=op.f('fk_application_form_base_id_base'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
                                name=op.f('fk_application_form_submission_id_submission'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application_form')),
        sa.UniqueConstraint('submission_id', name=op.f('uq_application_form_submission_id')))
    with op.batch_alter_table('application_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_form_base_id'), ['base_id'], unique=False)
    op.create_table('review_indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('weight', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['round_id'], ['application_round.id'],
                                name=op.f('fk_review_indicator_round_id_application_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_indicator')),
        sa.UniqueConstraint('round_id', 'name', name=op.f('uq_review_indicator_round_id_name')))
    with op.batch_alter_table('review_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_indicator_round_id'), ['round_id'], unique=False)
    op.create_table('indicator_score',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_indicator_score_review_id_review'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['indicator_id'], ['review_indicator.id'],
                                name=op.f('fk_indicator_score_indicator_id_review_indicator'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_score')),
        sa.UniqueConstraint('review_id', 'indicator_id', name=op.f('uq_indicator_score_review_id_indicator_id')))
    with op.batch_alter_table('indicator_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_score_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_score_indicator_id'), ['indicator_id'], unique=False)


def downgrade():
    op.drop_table('indicator_score')
    op.drop_table('review_indicator')
    with op.batch_alter_table('application_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_form_base_id'))
    op.drop_table('application_form')
    op.drop_table('application_plan')
