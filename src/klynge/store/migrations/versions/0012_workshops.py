"""Workshop rounds: rounds on a finding, option, gap or decision, with ideas, themes, comments,
reactions and dot votes, and a per-round change counter that open boards poll.

Revision ID: 0012
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    t = "workshop_rounds"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=128), nullable=False),
        sa.Column("subject_title", sa.String(length=300), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        _fk(t, "cluster_id", "clusters"),
        _fk(t, "opened_by", "people"),
        _fk(t, "closed_by", "people"),
        _fk(t, "decision_id", "decisions"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "cluster_id", "subject_id")

    t = "workshop_groups"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk(t, "round_id", "workshop_rounds"),
        _fk(t, "created_by", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "round_id")

    t = "workshop_ideas"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        _fk(t, "round_id", "workshop_rounds"),
        _fk(t, "author_id", "people"),
        _fk(t, "organisation_id", "organisations"),
        _fk(t, "group_id", "workshop_groups"),
        sa.ForeignKeyConstraint(["merged_into"], ["workshop_ideas.id"], name=op.f(f"fk_{t}_merged_into_{t}")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "round_id")

    t = "workshop_comments"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk(t, "round_id", "workshop_rounds"),
        _fk(t, "idea_id", "workshop_ideas"),
        _fk(t, "author_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "idea_id", "round_id")

    for t, extra in (("workshop_reactions", ("kind", sa.String(length=16))),
                     ("workshop_votes", ("count", sa.Integer()))):
        name, kind = extra
        key = ["idea_id", "person_id", "kind"] if name == "kind" else ["idea_id", "person_id"]
        op.create_table(
            t,
            sa.Column("round_id", sa.Integer(), nullable=False),
            sa.Column("idea_id", sa.Integer(), nullable=False),
            sa.Column("person_id", sa.Integer(), nullable=False),
            sa.Column(name, kind, nullable=False),
            _fk(t, "round_id", "workshop_rounds"),
            _fk(t, "idea_id", "workshop_ideas"),
            _fk(t, "person_id", "people"),
            sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{t}")),
        )
        _index(t, "round_id")


def downgrade() -> None:
    for table in ("workshop_votes", "workshop_reactions", "workshop_comments", "workshop_ideas",
                  "workshop_groups", "workshop_rounds"):
        op.drop_table(table)
