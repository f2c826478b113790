"""The members' decisions on findings' options, and the maturity self-assessment's answers and snapshots.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _cluster_fk(table: str):
    return sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=f"fk_{table}_cluster_id_clusters")


def _person_fk(table: str, column: str):
    return sa.ForeignKeyConstraint([column], ["people.id"], name=f"fk_{table}_{column}_people")


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("cluster_id", sa.Integer, nullable=False),
        sa.Column("finding_id", sa.String(128), nullable=False),
        sa.Column("option_id", sa.String(128), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("author_id", sa.Integer),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        _cluster_fk("decisions"), _person_fk("decisions", "author_id"), _person_fk("decisions", "updated_by"),
    )
    op.create_index("ix_decisions_cluster_id", "decisions", ["cluster_id"])
    op.create_index("ix_decisions_finding_id", "decisions", ["finding_id"])
    op.create_table(
        "maturity_answers",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("cluster_id", sa.Integer, nullable=False),
        sa.Column("round", sa.String(120), nullable=False),
        sa.Column("respondent", sa.String(32), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_maturity_answers"),
        sa.UniqueConstraint("cluster_id", "round", "respondent",
                            name="uq_maturity_answers_cluster_id_round_respondent"),
        _cluster_fk("maturity_answers"), _person_fk("maturity_answers", "updated_by"),
    )
    op.create_index("ix_maturity_answers_cluster_id", "maturity_answers", ["cluster_id"])
    op.create_table(
        "maturity_snapshots",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("cluster_id", sa.Integer, nullable=False),
        sa.Column("round", sa.String(120), nullable=False),
        sa.Column("taken_at", TZ, nullable=False),
        sa.Column("author_id", sa.Integer),
        sa.Column("body", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_maturity_snapshots"),
        _cluster_fk("maturity_snapshots"), _person_fk("maturity_snapshots", "author_id"),
    )
    op.create_index("ix_maturity_snapshots_cluster_id", "maturity_snapshots", ["cluster_id"])


def downgrade() -> None:
    for table in ("maturity_snapshots", "maturity_answers", "decisions"):
        op.drop_table(table)
