"""The learning log: lessons (what we assumed, saw and change) and the findings and options they changed.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    t = "lessons"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("source_kind", sa.String(length=8), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _fk(t, "cluster_id", "clusters"),
        _fk(t, "organisation_id", "organisations"),
        _fk(t, "author_id", "people"),
        _fk(t, "updated_by", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    with op.batch_alter_table(t, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{t}_cluster_id"), ["cluster_id"], unique=False)

    t = "lesson_links"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.String(length=128), nullable=False),
        sa.Column("option_id", sa.String(length=128), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        _fk(t, "lesson_id", "lessons"),
        _fk(t, "linked_by", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("lesson_id", "finding_id", "option_id",
                            name="uq_lesson_links_lesson_id_finding_id_option_id"),
    )
    with op.batch_alter_table(t, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{t}_finding_id"), ["finding_id"], unique=False)


def downgrade() -> None:
    op.drop_table("lesson_links")
    op.drop_table("lessons")
