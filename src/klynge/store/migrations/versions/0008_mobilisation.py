"""Mobilisation: invitations with their delivery and reminders, requests to join an organisation,
the cluster's mobilisation settings, fees, events with sign-ups and attendance, unmatched rows of
attendance reports, in-kind hours, and a participant's position (staff or board).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("venue_organisation_id", sa.Integer(), nullable=True),
        sa.Column("venue_municipality", sa.String(length=4), nullable=True),
        sa.Column("venue_text", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_events_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"], name=op.f("fk_events_updated_by_people")),
        sa.ForeignKeyConstraint(
            ["venue_organisation_id"], ["organisations.id"], name=op.f("fk_events_venue_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("invoiced_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("waived_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_fees_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"], name=op.f("fk_fees_updated_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fees")),
        sa.UniqueConstraint("organisation_id", "year", name=op.f("uq_fees_organisation_id_year")),
    )
    with op.batch_alter_table("fees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fees_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=True),
        sa.Column("inviter_organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery", sa.String(length=8), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders", sa.JSON(), nullable=False),
        sa.Column("next_reminder_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_invitations_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["inviter_id"], ["people.id"], name=op.f("fk_invitations_inviter_id_people")),
        sa.ForeignKeyConstraint(
            ["inviter_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_invitations_inviter_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_invitations_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_invitations_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_next_reminder_at"), ["next_reminder_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_person_id"), ["person_id"], unique=False)

    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by"], ["people.id"], name=op.f("fk_join_requests_decided_by_people")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_join_requests_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_join_requests_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
    )
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_requests_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_requests_person_id"), ["person_id"], unique=False)

    op.create_table(
        "mobilisation_settings",
        sa.Column("cluster_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_mobilisation_settings_cluster_id_clusters")
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"], name=op.f("fk_mobilisation_settings_updated_by_people")),
        sa.PrimaryKeyConstraint("cluster_id", name=op.f("pk_mobilisation_settings")),
    )
    op.create_table(
        "attendance_unmatched",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("first_join", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_person_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_attendance_unmatched_event_id_events")),
        sa.ForeignKeyConstraint(
            ["resolved_person_id"], ["people.id"], name=op.f("fk_attendance_unmatched_resolved_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_unmatched")),
    )
    with op.batch_alter_table("attendance_unmatched", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_unmatched_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_people",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("signed_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended_minutes", sa.Float(), nullable=True),
        sa.Column("attendance_source", sa.String(length=8), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_people_event_id_events")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_event_people_person_id_people")),
        sa.PrimaryKeyConstraint("event_id", "person_id", name=op.f("pk_event_people")),
    )
    op.create_table(
        "hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"], name=op.f("fk_hours_created_by_people")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_hours_event_id_events")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_hours_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_hours_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours")),
    )
    with op.batch_alter_table("hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hours_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hours_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("position")
    for table in (
        "hours",
        "event_people",
        "attendance_unmatched",
        "mobilisation_settings",
        "join_requests",
        "invitations",
        "fees",
        "events",
    ):
        op.drop_table(table)
