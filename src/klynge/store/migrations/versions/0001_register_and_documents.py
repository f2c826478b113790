"""The member register, revisioned documents and sign-in keys.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clusters"),
    )
    op.create_table(
        "subclusters",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("cluster_id", sa.Integer, nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subclusters"),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name="fk_subclusters_cluster_id_clusters"),
        sa.UniqueConstraint("cluster_id", "slug", name="uq_subclusters_cluster_id_slug"),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("cluster_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sector", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("orgnr", sa.String(20), nullable=False),
        sa.Column("municipality", sa.String(4), nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("size", sa.String(16), nullable=False),
        sa.Column("employees", sa.Integer),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("certifications", sa.JSON, nullable=False),
        sa.Column("needs", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("website", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name="fk_organisations_cluster_id_clusters"),
        sa.UniqueConstraint("country", "orgnr", name="uq_organisations_country_orgnr"),
    )
    op.create_index("ix_organisations_cluster_id", "organisations", ["cluster_id"])
    op.create_table(
        "memberships",
        sa.Column("organisation_id", sa.Integer, nullable=False),
        sa.Column("subcluster_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "subcluster_id", name="pk_memberships"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name="fk_memberships_organisation_id_organisations"),
        sa.ForeignKeyConstraint(["subcluster_id"], ["subclusters.id"],
                                name="fk_memberships_subcluster_id_subclusters"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("cluster_id", sa.Integer, nullable=False),
        sa.Column("organisation_id", sa.Integer),
        sa.Column("name", sa.String(120)),
        sa.Column("email", sa.String(254)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("erased_at", TZ),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name="fk_people_cluster_id_clusters"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name="fk_people_organisation_id_organisations"),
        sa.UniqueConstraint("email", name="uq_people_email"),
    )
    op.create_index("ix_people_cluster_id", "people", ["cluster_id"])
    op.create_index("ix_people_organisation_id", "people", ["organisation_id"])
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("organisation_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("municipality", sa.String(4), nullable=False),
        sa.Column("months", sa.JSON, nullable=False),
        sa.Column("capacity_per_day", sa.Integer, nullable=False),
        sa.Column("price_amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("vat_included", sa.Boolean, nullable=False),
        sa.Column("duration_hours", sa.Float, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("trend", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.Column("removed_at", TZ),
        sa.PrimaryKeyConstraint("id", name="pk_offers"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name="fk_offers_organisation_id_organisations"),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"], name="fk_offers_updated_by_people"),
    )
    op.create_index("ix_offers_organisation_id", "offers", ["organisation_id"])
    op.create_table(
        "row_history",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("author_id", sa.Integer),
        sa.Column("saved_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_row_history"),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], name="fk_row_history_author_id_people"),
        sa.UniqueConstraint("entity", "entity_id", "version", name="uq_row_history_entity_entity_id_version"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("organisation_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name="fk_documents_organisation_id_organisations"),
        sa.UniqueConstraint("kind", "organisation_id", "name", name="uq_documents_kind_organisation_id_name"),
    )
    op.create_index("ix_documents_organisation_id", "documents", ["organisation_id"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("document_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.Integer),
        sa.Column("author_id", sa.Integer),
        sa.Column("saved_at", TZ, nullable=False),
        sa.Column("restored_from", sa.Integer),
        sa.Column("body", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name="fk_revisions_document_id_documents"),
        sa.ForeignKeyConstraint(["parent_id"], ["revisions.id"], name="fk_revisions_parent_id_revisions"),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], name="fk_revisions_author_id_people"),
        sa.UniqueConstraint("parent_id", name="uq_revisions_parent_id"),
        sa.UniqueConstraint("document_id", "number", name="uq_revisions_document_id_number"),
    )
    op.create_table(
        "keys",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
        sa.PrimaryKeyConstraint("id", name="pk_keys"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_keys_person_id_people"),
    )
    op.create_index("ix_keys_person_id", "keys", ["person_id"])


def downgrade() -> None:
    for table in ("keys", "revisions", "documents", "row_history", "offers", "people",
                  "memberships", "organisations", "subclusters", "clusters", "meta"):
        op.drop_table(table)
