"""row versions: optimistic locking of every record a form edits (no lost updates)

Revision ID: row_versions
Revises: ab656315a8da
"""
from alembic import op
import sqlalchemy as sa


revision = 'row_versions'
down_revision = 'session_generation_token_expiry'
branch_labels = None
depends_on = None

TABLES = ('annual_report', 'application_round', 'appointment', 'base', 'cooperation_agreement', 'enterprise',
          'exchange', 'exchange_arrangement', 'industry_course', 'joint_lab', 'major_project', 'mentor',
          'mentor_assignment', 'project_participant', 'regulation', 'result_transfer', 'student', 'teaching_case',
          'teaching_team', 'teaching_team_member', 'textbook', 'training_plan', 'university', 'user',
          'working_group', 'working_group_member')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('row_version')
