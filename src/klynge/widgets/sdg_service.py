"""What the SDG page may do: one person, one organisation's map to the Sustainable Development Goals.

The page is handed an :class:`SdgService` and never sees the store, the identity or the
organisation; the store checks the caller's rights again on every call.

An assessment is a document of revisions, one entry per target. A save names the revision
the person started from and changes only the target they worked on, so the store merges it
with what others saved on other targets since. When someone else changed the same target in
between, :meth:`SdgService.save` raises :class:`TargetClash` with both versions, and nothing is
written until the person decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from .. import reference
from ..canvases import CanvasTemplate, Registry, default_registry
from ..errors import Conflict, KlyngeError, TargetClash
from ..i18n import t
from ..model import Note, Organisation, SdgAssessment, SdgEntry
from ..progress import CANVASES, StepProgress, sdg_progress
from ..sdg_suggestions import Suggestion, shortlist, suggest
from ..store import Identity, RevisionInfo, Store
from .editing import OrganisationService

__all__ = ["Loaded", "Profile", "SdgService"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """The assessment at one revision, as the caller may see it."""

    assessment: SdgAssessment
    revision: int
    author: str = ""
    saved_at: datetime | None = None

    def entry(self, code: str) -> SdgEntry | None:
        return next((e for e in self.assessment.entries if e.target == code), None)


@dataclass(frozen=True)
class Profile:
    """The member's profile across the 17 goals: a PNG and what it shows, in words."""

    png: bytes
    caption: str


class SdgService(OrganisationService):
    """One person's access to one organisation's SDG assessment.

    ``who`` is the signed-in person as the server established it, never anything the browser
    sent; the store checks on every call what they may read and write of ``organisation_id``'s
    map. ``registry`` finds the canvas templates whose notes' tags give suggestions.
    """

    def __init__(self, store: Store, who: Identity, organisation_id: int, *, registry: Registry | None = None):
        super().__init__(store, who, organisation_id)
        self._registry = registry or default_registry()

    # -- reading ------------------------------------------------------------------------
    def organisation(self) -> Organisation:
        return self._store.organisation(self._who, self._organisation_id).value

    def load(self, number: int | None = None) -> Loaded:
        """The assessment now (or at revision ``number``)."""
        doc, rev = self._store.sdg(self._who, self._organisation_id, number)
        return Loaded(doc, rev.number, rev.author, rev.saved_at)

    def shortlist(self, organisation: Organisation | None = None) -> tuple[reference.ShortlistItem, ...]:
        """The tourism short list of the organisation's sector."""
        return shortlist((organisation or self.organisation()).sector)

    def canvases(self) -> dict[str, list[Note]]:
        """The notes of every canvas the organisation has filled in, by template id (programme order first)."""
        found: dict[str, list[Note]] = {}
        ids = sorted(self._registry.ids(), key=lambda i: (CANVASES.index(i) if i in CANVASES else len(CANVASES), i))
        for template_id in ids:
            try:
                if not isinstance(self._registry.get(template_id), CanvasTemplate):
                    continue
            except KlyngeError:
                log.warning("sdg: template %s skipped, it cannot be read", template_id, exc_info=True)
                continue
            doc, rev = self._store.canvas(self._who, self._organisation_id, template_id)
            if rev.number and doc.notes:
                found[template_id] = list(doc.notes)
        return found

    def suggestions(self, loaded: Loaded, organisation: Organisation | None = None) -> list[Suggestion]:
        """Targets to put before the member (see :mod:`klynge.sdg_suggestions` for the rules)."""
        org = organisation or self.organisation()
        return suggest(org.certifications, self.canvases(), loaded.assessment)

    def canvas_title(self, template_id: str, lang: str) -> str:
        try:
            return self._registry.get(template_id).title_in(lang)
        except KlyngeError:
            return template_id

    @staticmethod
    def progress(loaded: Loaded, shortlist_codes: list[str], suggestions: list[Suggestion]) -> StepProgress:
        """The same count the home page shows."""
        return sdg_progress(loaded.assessment, shortlist_codes, [s.target for s in suggestions])

    def step_progress(self) -> StepProgress:
        """What the home page shows for this step, freshly read and counted as the SDG page counts it."""
        org = self.organisation()
        loaded = self.load()
        return self.progress(loaded, [i.target for i in self.shortlist(org)], self.suggestions(loaded, org))

    def history(self) -> list[RevisionInfo]:
        """Every revision, oldest first, with who saved it and when."""
        return self._store.history(self._who, "sdg", self._organisation_id, "sdg")

    def profile(self, loaded: Loaded, lang: str) -> Profile:
        """The member's profile across the goals (confirmed entries only), as a picture and in words."""
        from ..analysis.member import sdg_entries, sdg_profile
        from ..report import figures

        table = sdg_profile(sdg_entries(loaded.assessment))
        goals = reference.goals()
        fig = figures.sdg_profile_figure(table["score"].to_numpy(), table["positive"].to_numpy(),
                                         table["negative"].to_numpy(), goals, lang, title=t("sdg.profile.title", lang))
        return Profile(figures.png(fig), _caption(table, goals, lang))

    # -- writing ------------------------------------------------------------------------
    def save(self, entry: SdgEntry, base: int | None) -> Loaded:
        """Save ``entry`` (one target), made from revision ``base``; other targets stay as the store has them.

        The store merges with what others saved since ``base`` (retrying when they save at the
        same moment). Raises :class:`TargetClash` when someone else changed the same target.
        """
        start = self.load(base) if base else Loaded(SdgAssessment(), 0)
        entries = [e for e in start.assessment.entries if e.target != entry.target] + [entry]
        try:
            self._store.save_sdg(self._who, self._organisation_id, entries, base or None)
        except Conflict as exc:
            theirs = self.load().entry(entry.target)
            raise TargetClash(entry, theirs, exc.saved_by, exc.head) from None
        return self.load()

    def restore(self, number: int) -> int:
        """Make revision ``number`` current again, as a new revision; returns its number."""
        return self._store.restore(self._who, "sdg", self._organisation_id, "sdg", number).number


def _caption(table, goals, lang: str) -> str:
    """The profile in a few sentences: how much is assessed, where the member does most good, where harm."""
    counted = int(table["targets"].sum())
    if not counted:
        return t("sdg.profile.empty", lang)
    names = {g.number: f"{g.number} {g.short.get(lang)}" for g in goals}
    parts = [t("sdg.profile.counted", lang, n=counted, goals=int((table["targets"] > 0).sum()))]
    best = table[table["score"] > 0].sort_values("score", ascending=False, kind="stable").head(3)
    if len(best):
        parts.append(t("sdg.profile.best", lang, goals=", ".join(names[g] for g in best.index)))
    harm = table[table["negative"] > 0]
    if len(harm):
        parts.append(t("sdg.profile.harm", lang, goals=", ".join(names[g] for g in harm.index)))
    return " ".join(parts)
