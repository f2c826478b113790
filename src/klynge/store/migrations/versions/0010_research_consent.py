"""Consent to research use of an organisation's shared notes, one row per decision (a withdrawal is a new row).

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "research_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("given_by", sa.Integer(), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_research_consents_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["given_by"], ["people.id"], name=op.f("fk_research_consents_given_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_consents")),
    )
    with op.batch_alter_table("research_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_research_consents_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    op.drop_table("research_consents")
