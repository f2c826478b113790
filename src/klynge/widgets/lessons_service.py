"""What the learning log's pages and forms may do: read the cluster's lessons, add and edit them, link them.

The widgets are handed a :class:`LessonsService` and never see the store: every call names the
caller's identity and the store checks the access rules (a participant writes for their own
organisation; a facilitator writes any lesson and links lessons to findings and options). The
findings and options a lesson can be linked to come from a callable, by default none; the
facilitator's app passes :func:`~klynge.widgets.decisions_service.findings_from_outputs` (the
latest batch run's findings).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from ..errors import AccessDenied, Conflict, KlyngeError, NotFound, Refused, ValidationError
from ..i18n import t
from ..model import Lesson
from ..store import Identity, Store, StoredLesson
from ..store.access import decide
from ..validation import validate
from .decisions_service import FindingChoice

__all__ = ["CONCEPT_ORDER", "LessonsService", "error_text", "split_themes"]

log = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[,;\n]")
#: The order the concept chooser lists a cluster's concepts in: tested and launched first (a test is where a
#: lesson comes from), then those still on their way, furthest first; dropped ones last, not hidden: a concept
#: dropped after its test is often the one with most to teach.
CONCEPT_ORDER = ("tested", "launched", "prototype", "concept", "idea", "dropped")


def split_themes(text: str) -> list[str]:
    """Themes as typed (separated by commas, semicolons or new lines), blanks left out."""
    return [x.strip() for x in _SEPARATORS.split(text or "") if x.strip()]


def error_text(exc: Exception, lang: str) -> str:
    """What went wrong with a lesson, in the reader's language; never a traceback."""
    if isinstance(exc, Refused) and exc.key.startswith("lesson."):
        return t(exc.key, lang, **exc.values)
    if isinstance(exc, ValidationError):  # validated in the reader's language already
        return "; ".join(f"{f}: {m}" if f else m for f, m in exc.problems) or str(exc)
    if isinstance(exc, Conflict):
        return t("lesson.conflict", lang, names=", ".join(exc.saved_by) or "?")
    if isinstance(exc, AccessDenied):
        return t("lesson.error.not_yours", lang)
    if isinstance(exc, NotFound):
        return t("lesson.error.gone", lang)
    if isinstance(exc, KlyngeError):
        return str(exc)
    log.error("a lesson could not be saved", exc_info=exc)
    return t("page.error.body", lang)


class LessonsService:
    """The cluster's learning log, for one signed-in person.

    Parameters
    ----------
    store, who
        The store and the signed-in person; every call names ``who``.
    findings
        Called with a language: the latest run's findings (:class:`FindingChoice`) a lesson can
        be linked to, or None when none are known.
    """

    def __init__(self, store: Store, who: Identity, findings: Callable[[str], list | None] = lambda _lang: None):
        self.store, self.who = store, who
        self._findings = findings

    @property
    def can_link(self) -> bool:
        """Whether the person links lessons to findings and options (a facilitator)."""
        return decide(self.who, "link_lessons", cluster_id=self.who.cluster_id)

    # reading
    def lessons(self, *, theme: str | None = None, goal: int | None = None, month: int | None = None,
                round_id: int | None = None) -> list[StoredLesson]:
        """The lessons, newest first, filtered as the page asks (an empty filter passes everything)."""
        return self.store.lessons(self.who, theme=theme or None, goal=goal or None, month=month or None,
                                  round_id=round_id)

    def themes(self) -> list[str]:
        """Every theme a lesson of the cluster is tagged with, in alphabetical order."""
        return sorted({x for stored in self.store.lessons(self.who) for x in stored.lesson.themes})

    def rounds(self) -> list[tuple[str, int]]:
        """The closed workshop rounds a lesson can come from, as (question, id), newest first."""
        return [(r.question, r.id) for r in self.store.workshop_rounds(self.who, state="closed")]

    def concepts(self, lang: str) -> list[tuple[str, int]]:
        """The cluster's concepts a lesson can come from, as (name and stage in ``lang``, id), in
        :data:`CONCEPT_ORDER` and by name within a stage; two of the same name and stage are told apart by
        their owner organisation."""
        found = sorted(self.store.concepts(self.who),
                       key=lambda c: (CONCEPT_ORDER.index(c.stage), c.title.casefold(), c.id))
        labels = [t("lesson.concept_option", lang, title=c.title, stage=t(f"concept.stage.{c.stage}", lang))
                  for c in found]
        twice = {label for label in labels if labels.count(label) > 1}
        return [(f"{label} · {c.owner}" if label in twice else label, c.id) for label, c in zip(labels, found)]

    def choices(self, lang: str, linked: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """The findings and options a lesson can be linked to, as (label, reference); links a lesson already has
        but the latest run no longer makes stay choosable, under their ids."""
        found: list[tuple[str, str]] = []
        try:
            for f in self._findings(lang) or []:
                if isinstance(f, FindingChoice):
                    found.append((f.label, f.id))
                    found += [(f"{f.label} → {label}", f"{f.id}#{oid}") for label, oid in f.options]
        except Exception:  # the links already made still show; the reason is in the log
            log.exception("the findings could not be read")
        known = {ref for _label, ref in found}
        return found + [(ref, ref) for ref in linked if ref not in known]

    # writing
    def save(self, values: dict, lang: str, *, lesson_id: int | None = None,
             base_version: int | None = None) -> StoredLesson:
        """Add the lesson in ``values`` (the form's), or save an edit of ``lesson_id`` made from ``base_version``.

        ``themes`` may be text (separated by commas); ``source_id`` 0 or empty means none.

        Raises
        ------
        ValidationError
            In ``lang``, per field (a :class:`~klynge.errors.Refused` for a round that is not closed).
        Conflict
            Someone saved the lesson in between.
        """
        data = dict(values)
        if isinstance(data.get("themes"), str):
            data["themes"] = split_themes(data["themes"])
        if not data.get("source_id"):
            data["source_id"] = None
        if data.get("source_kind", "none") == "none":
            data["source_id"] = None
        lesson = validate(Lesson, data, lang)
        if lesson_id is None:
            return self.store.add_lesson(self.who, lesson)
        return self.store.revise_lesson(self.who, lesson_id, lesson, base_version or 0)

    def link(self, lesson_id: int, refs: list[str]) -> StoredLesson:
        return self.store.link_lesson(self.who, lesson_id, refs)
