"""What the facilitator's "Findings" page may do: read the latest run's findings, check their evidence
against the store as it is now, filter them, and open a shared note an evidence row names.

The findings come from the batch's ``findings.json``, read with
:func:`~klynge.widgets.decisions_service.findings_document` (the reader the decisions page uses).
Each evidence row is checked with :func:`klynge.strategy.check_evidence` against the members,
offers, shared notes and packages that exist now (:func:`klynge.strategy.existing_ids` over what
the batch would read today): a row whose source is gone is marked stale and kept. Every read
goes through the store with the facilitator's identity, so a private note is never read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import KlyngeError
from ..report.strategy import text_of
from ..store import Identity, Store, StoredDecision
from ..strategy import Evidence, Finding, Text, check_evidence, existing_ids
from .decisions_service import DecisionsService, findings_document

__all__ = ["SHARED", "Findings", "FindingsService", "NoteView", "matches", "members_of", "with_stale"]

log = logging.getLogger(__name__)

#: The visibilities a note has when the cluster may read it.
SHARED = ("cluster", "public")


@dataclass(frozen=True)
class Findings:
    """The latest run's findings with their evidence checked now, and when the run wrote them."""

    items: list[dict]
    made: datetime | None = None
    fingerprint: str | None = None
    names: dict[int, str] = field(default_factory=dict)

    def name(self, member) -> str:
        return self.names.get(member) or f"#{member}"


@dataclass(frozen=True)
class NoteView:
    """A shared note as the store holds it now: the member's name, the canvas and block, the text."""

    member: str
    canvas: str
    block: str
    text: str


def with_stale(finding: Mapping, existing: Iterable[str]) -> dict:
    """The finding (as ``findings.json`` holds it) with each evidence row marked stale when its source is gone.

    Rows are never dropped; a row the run marked stale stays stale.
    """
    rows = list(finding.get("evidence") or [])
    made = []
    for row in rows:
        try:
            made.append(Evidence.of(row["source"], row.get("ids") or {}, row.get("measure", "")))
        except (KeyError, TypeError, ValueError):  # a row this version cannot read: kept, shown as the run wrote it
            made.append(None)
    checked = check_evidence(Finding(str(finding.get("kind", "")), "", Text(""), Text(""),
                                     tuple(e for e in made if e is not None)), existing).evidence
    stale = iter(checked)
    out = [{**row, "stale": bool(row.get("stale")) or (e is not None and next(stale).stale)}
           for row, e in zip(rows, made, strict=True)]
    return {**finding, "evidence": out}


def members_of(finding: Mapping) -> set[int]:
    """Every member the finding's evidence or its options' consequences name."""
    found = {e.get("ids", {}).get("member") for e in finding.get("evidence") or []}
    found |= {c.get("member") for o in finding.get("options") or [] for c in o.get("consequences") or []}
    return {m for m in found if isinstance(m, int)}


def _words(finding: Mapping, names: Mapping[int, str], lang: str) -> str:
    """What a search looks in: the claim, method and options in ``lang``, the evidence's texts, the members' names."""
    parts = [str(finding.get("id", ""))]
    for text in (finding.get("claim"), finding.get("method"), *[o.get("text") for o in finding.get("options") or []]):
        if isinstance(text, Mapping) and "key" in text:
            parts.append(text_of(text, lang))
    parts += [str(e.get("text", "")) for e in finding.get("evidence") or []]
    parts += [names.get(m, "") for m in members_of(finding)]
    return " ".join(parts).casefold()


def matches(finding: Mapping, lang: str, names: Mapping[int, str], *, kind: str = "", confidence: str = "",
            member: int | None = None, search: str = "") -> bool:
    """Whether a finding passes the page's filters (an empty filter passes everything)."""
    if kind and finding.get("kind") != kind:
        return False
    if confidence and finding.get("confidence") != confidence:
        return False
    if member is not None and member not in members_of(finding):
        return False
    words = search.casefold().split()
    if words:
        haystack = _words(finding, names, lang)
        return all(word in haystack for word in words)
    return True


class FindingsService:
    """The latest run's findings for the signed-in facilitator, checked against the store now.

    Parameters
    ----------
    store, who
        The store and the facilitator; every read names ``who``.
    outputs
        The batch's outputs folder.
    existing
        The keys of what exists now (default: :func:`klynge.strategy.existing_ids` over the
        members, offers, shared notes and packages the batch would read today).
    """

    def __init__(self, store: Store, who: Identity, outputs: str | Path,
                 existing: Callable[[], set[str]] | None = None):
        self._store, self._who, self._outputs = store, who, outputs
        self._existing = existing or self._existing_now
        self._decisions = DecisionsService(store, who)

    def _existing_now(self) -> set[str]:
        from ..batch.steps import strategy_data

        return existing_ids(strategy_data(self._store, self._who))

    def load(self) -> Findings | None:
        """The findings of the latest run with stale rows marked, or None when no run made any."""
        read = findings_document(self._outputs)
        if read is None:
            return None
        data, path = read
        items = data.get("findings") if isinstance(data, Mapping) else data
        items = [f for f in items if isinstance(f, Mapping) and isinstance(f.get("id"), str)] \
            if isinstance(items, list) else []
        existing = self._existing()
        names = {o.id: o.name for o in self._store.organisations(self._who)}
        made = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        fingerprint = data.get("fingerprint") if isinstance(data, Mapping) else None
        return Findings([with_stale(f, existing) for f in items], made, fingerprint, names)

    def decisions(self, finding_id: str | None = None) -> list[StoredDecision]:
        """The decisions recorded on a finding (on every finding when None)."""
        return self._store.decisions(self._who, finding_id)

    def names(self, decision, lang: str) -> list[str]:
        """Who decided, with people's ids read as their names (an erased person as a former participant)."""
        return self._decisions.names(decision, lang)

    def note(self, member: int, template: str, note_id: str, lang: str) -> NoteView | None:
        """The shared note as the store holds it now, or None when it is gone or no longer shared."""
        try:
            doc, _rev = self._store.canvas(self._who, member, template)
            name = self._store.organisation(self._who, member).value.name
        except KlyngeError as exc:
            log.info("note %s/%s/%s could not be read: %s", member, template, note_id, exc)
            return None
        note = next((n for n in doc.notes if n.id == note_id), None)
        if note is None or note.visibility not in SHARED or not note.text.strip():
            return None
        return NoteView(name, *self.titles(template, note.block, lang), note.text)

    @staticmethod
    def titles(template: str, block: str, lang: str) -> tuple[str, str]:
        """A canvas's and its block's titles in ``lang``; their ids when this server does not know them."""
        try:
            from ..canvases import default_registry

            found = default_registry().get(template)
            return found.title_in(lang), found.block(block).title_in(lang)
        except (KlyngeError, AttributeError, KeyError):
            log.info("canvas %s or its block %s is not known here", template, block)
            return template, block
