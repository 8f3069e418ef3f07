"""Sessions that can end (a per-user session generation) and API tokens that expire.

Revision ID: session_generation_token_expiry
Revises: construction_cycles
"""
import sqlalchemy as sa
from alembic import op

revision = "session_generation_token_expiry"
down_revision = "construction_cycles"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("expires_on")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("session_generation")
