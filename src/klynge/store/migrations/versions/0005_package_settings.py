"""The cluster's package settings: currency, exchange rates and the limits of package suggestions.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "package_settings",
        sa.Column("cluster_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.PrimaryKeyConstraint("cluster_id", name="pk_package_settings"),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name="fk_package_settings_cluster_id_clusters"),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"], name="fk_package_settings_updated_by_people"),
    )


def downgrade() -> None:
    op.drop_table("package_settings")
