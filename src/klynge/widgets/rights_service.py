"""What the personal data sections may do: show a person their own record, erase a person, read the audit log.

The sections are handed a :class:`RightsService` and never see the store or the identity.
Every call goes through the store with the signed-in person's identity, so the store checks
again: a person reads only their own record; only a facilitator of the cluster erases and
reads the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..settings import Settings
from ..store import AuditEntry, ErasurePlan, ErasureResult, Identity, Store
from ..store.schema import HISTORY_ENTITIES
from .download import safe_filename
from .export_service import ExportFile

__all__ = ["RECORD_PARTS", "RECORD_SHOWN", "MySummary", "RightsService"]

#: The parts of a person's record (:meth:`~klynge.store.Store.person_record`) the summary counts, in the order
#: it lists them; a part inside another is named with a dot. Every list the download holds is one of them.
RECORD_PARTS = ("keys", "sessions", "revisions", "row_history", "lessons", "concept_revisions", "concepts",
                "invitations_received", "invitations_sent", "join_requests", "join_requests_decided", "events",
                "attendance_rows_resolved_to_them", "hours", "hours_entered",
                "workshop_ideas", "workshop_comments", "workshop_reactions", "workshop_votes", "workshop_groups",
                "workshop_rounds", "decisions", "maturity_answers", "maturity_snapshots", "library_items",
                "research_consents", "lesson_links", "last_changed.organisations", "last_changed.offers",
                "last_changed.events", "last_changed.fees", "last_changed.package_settings",
                "last_changed.cluster_plans", "last_changed.mobilisation_settings")
#: The parts of the record the summary shows as they are rather than counts.
RECORD_SHOWN = ("person", "organisation")


def _part(record: dict, name: str) -> list:
    """The part of ``record`` at ``name`` ("keys", "last_changed.offers"); empty when the record has none."""
    found = record
    for step in name.split("."):
        found = (found or {}).get(step)
    return found or []


@dataclass(frozen=True)
class MySummary:
    """A person's record in brief: their row, their organisation's name, a count per part of
    :data:`RECORD_PARTS`, and the earlier versions (``row_history``) by what they are of, in the
    order of :data:`~klynge.store.schema.HISTORY_ENTITIES` (only kinds there are some of)."""

    person: dict
    organisation: str
    counts: dict[str, int]
    history: dict[str, int]


@dataclass(frozen=True)
class Erasable:
    """A person the erasure picker lists."""

    id: int
    name: str
    email: str
    role: str


class RightsService:
    """One person's hand on their own data, and a facilitator's on erasures and the audit log.

    Parameters
    ----------
    store, who
        The store and the signed-in person.
    settings
        For the batch outputs folder an erasure cleans (None: no outputs to clean).
    """

    def __init__(self, store: Store, who: Identity, settings: Settings | None = None):
        self._store, self._who, self._settings = store, who, settings

    # -- my data ------------------------------------------------------------------------------
    def my_summary(self) -> MySummary:
        """The signed-in person's own row (name, e-mail, role, since), their organisation, and how many items
        each part of their record holds."""
        record = self._store.person_record(self._who, self._who.person_id)
        kinds = [row["entity"] for row in record.get("row_history") or []]
        return MySummary(person=record["person"], organisation=(record.get("organisation") or {}).get("name") or "",
                         counts={part: len(_part(record, part)) for part in RECORD_PARTS},
                         history={e: kinds.count(e) for e in HISTORY_ENTITIES if e in kinds})

    def my_file(self) -> ExportFile:
        """Everything stored about the signed-in person as one JSON file; the audit log records the download."""
        record = self._store.person_record(self._who, self._who.person_id, export=True)
        data = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        return ExportFile(safe_filename(f"klynge - {record['person']['name'] or 'me'} - {stamp}.json"), data,
                          "application/json")

    # -- erasure (facilitators) ---------------------------------------------------------------------
    def people(self) -> list[Erasable]:
        """Everyone of the cluster who is not erased, by name."""
        return sorted((Erasable(p.id, p.name or "", p.email or "", p.role) for p in self._store.people(self._who)),
                      key=lambda p: (p.name.casefold(), p.id))

    def plan(self, person_id: int) -> ErasurePlan:
        return self._store.erasure_plan(self._who, person_id)

    def erase(self, person_id: int, *, remove_text: bool) -> ErasureResult:
        """Erase a person, and the batch outputs that may quote them (:func:`klynge.rights.erase`)."""
        from ..rights import erase

        outputs = self._settings.outputs if self._settings else None
        return erase(self._store, self._who, person_id, outputs=outputs, remove_text=remove_text)

    # -- the audit log (facilitators) ---------------------------------------------------------
    def audit(self, *, since: date | None = None, action: str | None = None, limit: int = 50) -> list[AuditEntry]:
        return self._store.audit_log(self._who, since=since, action=action or None, limit=limit)
