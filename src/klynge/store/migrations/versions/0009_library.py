"""The library: shared files (stored once per content hash) and links, and their full-text index.

The index is made for the engine in use only: an FTS5 table on SQLite, a ``tsvector`` table with
a GIN index on PostgreSQL (see :mod:`klynge.store.search`).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from klynge.store import search

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_library_blobs")),
    )
    op.create_table(
        "library_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("shared_by", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("searchable", sa.Boolean(), nullable=False),
        sa.Column("unsearchable_reason", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_library_items_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_library_items_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["removed_by"], ["people.id"], name=op.f("fk_library_items_removed_by_people")),
        sa.ForeignKeyConstraint(["sha256"], ["library_blobs.sha256"],
                                name=op.f("fk_library_items_sha256_library_blobs")),
        sa.ForeignKeyConstraint(["shared_by"], ["people.id"], name=op.f("fk_library_items_shared_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_items")),
    )
    with op.batch_alter_table("library_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_items_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_items_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_items_sha256"), ["sha256"], unique=False)
    search.create(op.get_bind())


def downgrade() -> None:
    search.remove(op.get_bind())
    op.drop_table("library_items")
    op.drop_table("library_blobs")
