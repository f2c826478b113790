"""The cluster's plan: the target mix of members and the economics figures a facilitator sets.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cluster_plans",
        sa.Column("cluster_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.PrimaryKeyConstraint("cluster_id", name="pk_cluster_plans"),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name="fk_cluster_plans_cluster_id_clusters"),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"], name="fk_cluster_plans_updated_by_people"),
    )


def downgrade() -> None:
    op.drop_table("cluster_plans")
