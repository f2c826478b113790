"""Ideas imported from Mentimeter, Miro, QiqoChat or Zoom: the tool they came from, the author's name as the
file wrote it (for someone who is not a person of the cluster) and the votes the tool counted.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop_ideas") as batch:
        batch.add_column(sa.Column("source", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("author_label", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("source_votes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workshop_ideas") as batch:
        batch.drop_column("source_votes")
        batch.drop_column("author_label")
        batch.drop_column("source")
