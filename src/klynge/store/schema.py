"""The database schema, as SQLAlchemy Core tables. Changes go through Alembic migrations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

clusters = Table(
    "clusters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

subclusters = Table(
    "subclusters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False),
    Column("slug", String(64), nullable=False),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    UniqueConstraint("cluster_id", "slug"),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("name", String(120), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("sector", String(32), nullable=False),
    Column("country", String(2), nullable=False),
    Column("orgnr", String(20), nullable=False),
    Column("municipality", String(4), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("size", String(16), nullable=False),
    Column("employees", Integer),
    Column("phase", String(16), nullable=False),
    Column("certifications", JSON, nullable=False),
    Column("needs", Text, nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("website", String(200), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", Integer),  # a person id; no foreign key, to keep the tables acyclic
    UniqueConstraint("country", "orgnr"),
)

memberships = Table(
    "memberships",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("subcluster_id", ForeignKey("subclusters.id"), primary_key=True),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    # Name and e-mail live here only, so erasing a person does not rewrite history.
    Column("name", String(120)),
    Column("email", String(254), unique=True),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("erased_at", DateTime(timezone=True)),
    # staff or board, for a participant of an organisation; empty for everyone else
    Column("position", String(8)),
)

offers = Table(
    "offers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("title", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False),
    Column("municipality", String(4), nullable=False),
    Column("months", JSON, nullable=False),
    Column("capacity_per_day", Integer, nullable=False),
    Column("price_amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("vat_included", Boolean, nullable=False),
    Column("price_unit", String(8), nullable=False),
    Column("price_guests", Integer, nullable=False, default=1),
    Column("price_nights", Integer, nullable=False, default=1),
    Column("capacity_unit", String(8), nullable=False),
    Column("duration_hours", Float, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("trend", String(16), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
    Column("removed_at", DateTime(timezone=True)),
)

#: What ``row_history`` keeps earlier versions of (its ``entity``), in the order a person's summary lists them:
#: organisations (profiles), offers, lessons, events, decisions, fees and maturity self-assessment answers.
#: The store writes no other entity there; a kind of row that keeps its history there is added here first.
HISTORY_ENTITIES = ("organisation", "offer", "lesson", "event", "decision", "fee", "maturity_answer")

# Every earlier version of an edited row of a kind in HISTORY_ENTITIES, so an edit never loses what was typed.
row_history = Table(
    "row_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(16), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("body", JSON, nullable=False),
    Column("author_id", ForeignKey("people.id")),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("entity", "entity_id", "version"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "organisation_id", "name"),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False),
    Column("number", Integer, nullable=False),
    # One child per parent: two saves on the same base cannot both land.
    Column("parent_id", ForeignKey("revisions.id"), unique=True),
    Column("author_id", ForeignKey("people.id")),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("restored_from", Integer),
    Column("body", JSON, nullable=False),
    UniqueConstraint("document_id", "number"),
)

keys = Table(
    "keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("digest", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

# One row per signed-in browser. The cookie names the session; the store checks on every call
# that the session, its key and its person are still live, so a logout, a revoked key or an
# erasure ends what is open.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("key_id", ForeignKey("keys.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

# The members' decisions on the options of a finding. Findings are remade by every batch run, so
# a decision names its finding and option by their stable string ids, without a foreign key: a
# decision on a finding that is gone stays. An edit keeps the earlier version in row_history.
decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("finding_id", String(128), nullable=False, index=True),
    Column("option_id", String(128), nullable=False),
    Column("body", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("author_id", ForeignKey("people.id")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
)

# One row per respondent (the facilitator, or a member organisation) and programme round; an
# edit keeps the earlier version in row_history.
maturity_answers = Table(
    "maturity_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("round", String(120), nullable=False),
    Column("respondent", String(32), nullable=False),
    Column("body", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
    UniqueConstraint("cluster_id", "round", "respondent"),
)

# Snapshots are only ever added: a round snapshotted again gets a second row, the latest counts.
maturity_snapshots = Table(
    "maturity_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("round", String(120), nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("author_id", ForeignKey("people.id")),
    Column("body", JSON, nullable=False),
)

# The cluster's package rules (currency, exchange rates, limits of suggestions): one row per cluster,
# a facilitator's edit names the version it started from.
package_settings = Table(
    "package_settings",
    metadata,
    Column("cluster_id", ForeignKey("clusters.id"), primary_key=True, autoincrement=False),
    Column("body", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
)

# The cluster's plan: the target mix of members and the economics figures the strategy's findings
# weigh the cluster against. One row per cluster, versioned like the package settings.
cluster_plans = Table(
    "cluster_plans",
    metadata,
    Column("cluster_id", ForeignKey("clusters.id"), primary_key=True, autoincrement=False),
    Column("body", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
)

# -- mobilisation: invitations, registration, fees, in-kind hours, events and attendance -------------

# One row per invitation. The invitee is a person row made when the invitation is (their name and
# e-mail live there only); the inviter is a person, or nobody when the command line invited.
# ``delivery`` is link (shown to copy, no mail server), queued, sent, failed (kept, tried again) or
# bounced (the mail server refused the address); ``accepted_at`` is the invitee's first sign-in.
invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("inviter_id", ForeignKey("people.id")),
    Column("inviter_organisation_id", ForeignKey("organisations.id")),
    # the organisation the invitee joins at once (a colleague or board member); else they register one
    Column("organisation_id", ForeignKey("organisations.id")),
    Column("relation", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("lang", String(2), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivery", String(8), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("reminders", JSON, nullable=False),  # the times reminders were sent, oldest first
    Column("next_reminder_at", DateTime(timezone=True), index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text, nullable=False, default=""),
    Column("key_id", String(32)),  # the key of the latest link sent; an earlier one is revoked
    Column("accepted_at", DateTime(timezone=True)),
)

# A registered person asking to join an organisation that is already a member: a participant of
# that organisation or a facilitator approves or declines.
join_requests = Table(
    "join_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("position", String(8), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", ForeignKey("people.id")),
    Column("approved", Boolean),
)

# The cluster's mobilisation settings (fees by kind of organisation, hour rates, reminder days,
# when a member counts as stopped): one row per cluster, versioned like the package settings.
mobilisation_settings = Table(
    "mobilisation_settings",
    metadata,
    Column("cluster_id", ForeignKey("clusters.id"), primary_key=True, autoincrement=False),
    Column("body", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
)

# An organisation's fee for a year: invoiced, paid or waived, with the dates; an edit keeps the
# earlier version in row_history.
fees = Table(
    "fees",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(8), nullable=False),
    Column("invoiced_on", Date),
    Column("paid_on", Date),
    Column("waived_on", Date),
    Column("note", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
    UniqueConstraint("organisation_id", "year"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # kickoff, workshop, course, meeting
    Column("title", String(120), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("online_url", String(500), nullable=False, default=""),
    # a physical venue: a member's place, or a municipality's centre, with its words
    Column("venue_organisation_id", ForeignKey("organisations.id")),
    Column("venue_municipality", String(4)),
    Column("venue_text", String(200), nullable=False, default=""),
    Column("agenda", Text, nullable=False, default=""),
    Column("materials", JSON, nullable=False),  # [{"title": ..., "url": ...}]
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
    Column("removed_at", DateTime(timezone=True)),
)

# Who signed up for an event, and who attended for how long (from a Zoom or Teams report, or
# marked by a facilitator).
event_people = Table(
    "event_people",
    metadata,
    Column("event_id", ForeignKey("events.id"), primary_key=True),
    Column("person_id", ForeignKey("people.id"), primary_key=True),
    Column("signed_up_at", DateTime(timezone=True)),
    Column("attended_minutes", Float),
    Column("attendance_source", String(8)),  # zoom, teams, manual
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Rows of an attendance report that matched no person, until a facilitator resolves them to a
# person or dismisses them.
attendance_unmatched = Table(
    "attendance_unmatched",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("events.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("minutes", Float, nullable=False),
    Column("first_join", DateTime(timezone=True)),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("resolved_person_id", ForeignKey("people.id")),
    Column("resolved_at", DateTime(timezone=True)),
    Column("dismissed_at", DateTime(timezone=True)),
)

# In-kind hours a person logs per day and activity, at the facilitator's rate for the activity;
# attendance of an event adds a row of its own (source attendance, naming the event). A removed
# row stays, with removed_at, so nothing typed is lost.
hours = Table(
    "hours",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("activity", String(16), nullable=False),  # workshop, course, package, meeting, other
    Column("day", Date, nullable=False),
    Column("hours", Numeric(5, 2), nullable=False),
    Column("event_id", ForeignKey("events.id")),
    Column("note", Text, nullable=False, default=""),
    Column("source", String(12), nullable=False),  # manual, attendance
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", ForeignKey("people.id")),
    Column("removed_at", DateTime(timezone=True)),
)

# The library's files, stored once per content (the sha256 of the bytes is the key), in the database
# so that a dump, a backup and an erasure see them in the same transaction as the items that use
# them (see klynge.store.library).
library_blobs = Table(
    "library_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# What members share in the library: a file (a blob, by its hash) or a link, with what it is about.
# The search index (SQLite FTS5 or PostgreSQL tsvector) is kept beside it by the store's writes.
library_items = Table(
    "library_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), index=True),
    Column("shared_by", ForeignKey("people.id")),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False),  # report, statistics, research, video, course, other
    Column("language", String(2), nullable=False),  # nb, sv, en, or xx (other)
    Column("licence", String(64), nullable=False, default=""),
    Column("tags", JSON, nullable=False),  # {"sdg": [8], "themes": [...], "months": [1], "region": [...]}
    Column("visibility", String(8), nullable=False),  # cluster, public
    Column("url", String(1000)),  # a link; or else the file below
    Column("sha256", ForeignKey("library_blobs.sha256"), index=True),
    Column("filename", String(200)),
    Column("media_type", String(100)),
    Column("size", Integer),
    Column("text", Text, nullable=False, default=""),  # the text extracted from the file
    Column("searchable", Boolean, nullable=False),
    Column("unsearchable_reason", String(32)),  # no_text_layer, encrypted, ...
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True)),
    Column("removed_by", ForeignKey("people.id")),
)

# Consent to research use of an organisation's shared notes: one row per decision, the latest
# row in force. A withdrawal is a new row (consented false), so nothing is lost.
research_consents = Table(
    "research_consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("consented", Boolean, nullable=False),
    Column("given_by", ForeignKey("people.id")),
    Column("given_at", DateTime(timezone=True), nullable=False),
)

# Who did what and when: sign-ins, exports, erasures, role changes, key revocations and re-issues,
# invitations. Written in the transaction of the act; read by the cluster's facilitators; pruned after
# KLYNGE_AUDIT_DAYS. Ids only, never a name, an e-mail or a secret, so an erasure leaves nothing here
# to forget (and no foreign keys, so a row outlives what it names). The actor is null for the system.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", Integer, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor_id", Integer),
    Column("actor_role", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject_kind", String(16), nullable=False, default=""),
    Column("subject_id", String(64), nullable=False, default=""),
    Column("details", JSON, nullable=False),
)

# Workshop rounds: a facilitator opens a round on a finding, an option, a gap or a decision (named
# by its string id and title, without a foreign key, as decisions do); members add ideas, comment,
# react and vote with dots. ``changes`` counts every write to the round, bumped in the write's own
# transaction: an open board polls it (an indexed read by primary key) to see that something changed.
# The bump is also the round's lock: ``UPDATE ... WHERE state = 'open'`` serialises the writes of a
# round and refuses them once it is closed.
workshop_rounds = Table(
    "workshop_rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_id", String(128), nullable=False, index=True),
    Column("subject_title", String(300), nullable=False),
    Column("question", Text, nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("dots", Integer, nullable=False),
    Column("state", String(8), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("opened_by", ForeignKey("people.id")),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", ForeignKey("people.id")),
    Column("decision_id", ForeignKey("decisions.id")),
    Column("version", Integer, nullable=False),
    Column("changes", Integer, nullable=False),
)

workshop_groups = Table(
    "workshop_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("workshop_rounds.id"), nullable=False, index=True),
    Column("title", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", ForeignKey("people.id")),
)

workshop_ideas = Table(
    "workshop_ideas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("workshop_rounds.id"), nullable=False, index=True),
    Column("author_id", ForeignKey("people.id")),
    Column("organisation_id", ForeignKey("organisations.id")),
    Column("text", Text, nullable=False),
    Column("group_id", ForeignKey("workshop_groups.id")),
    Column("merged_into", ForeignKey("workshop_ideas.id")),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True)),
    # An idea imported from a file: the tool (mentimeter, miro, qiqochat, zoom; NULL when typed on the
    # board), the author's name as the file wrote it when they are not a person of the cluster
    # (author_id is then NULL), and the votes the tool counted.
    Column("source", String(16)),
    Column("author_label", String(120)),
    Column("source_votes", Integer),
)

workshop_comments = Table(
    "workshop_comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("workshop_rounds.id"), nullable=False, index=True),
    Column("idea_id", ForeignKey("workshop_ideas.id"), nullable=False, index=True),
    Column("author_id", ForeignKey("people.id")),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

workshop_reactions = Table(
    "workshop_reactions",
    metadata,
    Column("round_id", ForeignKey("workshop_rounds.id"), nullable=False, index=True),
    Column("idea_id", ForeignKey("workshop_ideas.id"), primary_key=True),
    Column("person_id", ForeignKey("people.id"), primary_key=True),
    Column("kind", String(16), primary_key=True),
)

# A person's dots on one idea; the sum over a round never exceeds the round's ``dots``.
workshop_votes = Table(
    "workshop_votes",
    metadata,
    Column("round_id", ForeignKey("workshop_rounds.id"), nullable=False, index=True),
    Column("idea_id", ForeignKey("workshop_ideas.id"), primary_key=True),
    Column("person_id", ForeignKey("people.id"), primary_key=True),
    Column("count", Integer, nullable=False),
)

# The concept pipeline: a concept (from a workshop idea, or from nothing but a title) moves from idea to
# concept, prototype, tested and launched, or is dropped. ``body`` is the current revision's content
# (:class:`~klynge.model.concept.ConceptBody` as JSON), kept here for the board; every edit, stage change
# and change of owner is a row of ``concept_revisions`` with who and when. ``version`` is the number of
# the newest revision: a save names the version it started from, and ``UPDATE ... WHERE version = base``
# lets only one of two saves from the same base through (the unique revision number backs it up).
concepts = Table(
    "concepts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("owner_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("owner_person_id", ForeignKey("people.id")),
    Column("stage", String(16), nullable=False),
    # one concept per workshop idea; NULL for a concept that started without one
    Column("idea_id", ForeignKey("workshop_ideas.id"), unique=True),
    Column("title", String(120), nullable=False),
    Column("body", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("stage_at", DateTime(timezone=True), nullable=False),
)

concept_revisions = Table(
    "concept_revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("concept_id", ForeignKey("concepts.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("action", String(16), nullable=False),  # start, edit, promote, drop, reown
    Column("stage", String(16), nullable=False),
    Column("owner_id", ForeignKey("organisations.id"), nullable=False),
    Column("author_id", ForeignKey("people.id")),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("body", JSON, nullable=False),
    UniqueConstraint("concept_id", "number"),
)

# The learning log. A lesson is written by a member organisation (or by a facilitator, with no
# organisation) and comes from a closed workshop round, a concept's test (the concept's id, without
# a foreign key) or neither. An edit keeps the earlier version in row_history (entity ``lesson``).
lessons = Table(
    "lessons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("clusters.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id")),
    Column("source_kind", String(8), nullable=False),
    Column("source_id", Integer),
    Column("body", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("author_id", ForeignKey("people.id")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", ForeignKey("people.id")),
)

# The findings and options a lesson changed, by their stable string ids (no foreign key, as
# decisions): ``option_id`` is "" for the finding itself. A facilitator sets them.
lesson_links = Table(
    "lesson_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lesson_id", ForeignKey("lessons.id"), nullable=False),
    Column("finding_id", String(128), nullable=False, index=True),
    Column("option_id", String(128), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("linked_by", ForeignKey("people.id")),
    UniqueConstraint("lesson_id", "finding_id", "option_id"),
)
