"""Which SDG targets to suggest to a member, and why: pure rules over its profile, canvases and map.

The rules
---------
1. **Certifications.** Every target that a certification the member holds gives evidence for
   (``data/reference/certification_targets.csv``) is suggested, with that file's reason.
2. **Canvas tags.** Every target tagged on a note (``Note.sdg_targets``) of one of the
   member's canvases is suggested, naming the canvas and the note.
3. **Assessed targets are not suggested again.** A target with a confirmed entry in the
   member's assessment stays out, whatever its relevance: relevance 0 is the member's
   "not relevant to us", and that is an answer too.
4. **Stored, unconfirmed entries are suggestions.** An entry saved with ``confirmed`` false
   (from an import, say) waits for the member like any other suggestion.
5. **One suggestion per target.** Reasons from several sources are gathered on it
   (certifications first, then canvases in the programme's order); suggestions come in the
   UN's order of targets.

Suggestions are computed each time they are shown and never stored: confirming one saves an
entry (rule 3 then keeps it out), and a certification taken off the profile takes its
suggestions with it.

The short list is the tourism short list of the member's sector (:func:`shortlist`), which
every member sees first whatever it holds or has tagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import reference
from .model import Note, SdgAssessment, SdgEntry

__all__ = ["Reason", "Suggestion", "canvas_suggestions", "certification_suggestions", "shortlist", "status",
           "suggest"]

@dataclass(frozen=True)
class Reason:
    """Why one target is suggested.

    ``source`` is ``certification`` (``key`` the certification id, ``detail`` empty: the
    reason text comes from the reference data), ``canvas`` (``key`` the template id,
    ``detail`` the tagged note's text) or ``stored`` (an unconfirmed entry; both empty).
    """

    source: str
    key: str = ""
    detail: str = ""

    def certification_reason(self, target: str, lang: str) -> str:
        """The reference file's sentence on how the certification evidences ``target``."""
        for evidence in reference.certification(self.key).evidence:
            if evidence.target == target:
                return evidence.reason(lang)
        return ""


@dataclass(frozen=True)
class Suggestion:
    """A target suggested to the member, with every reason for it."""

    target: str
    reasons: tuple[Reason, ...]


def _order() -> dict[str, int]:
    return {t.code: i for i, t in enumerate(reference.targets())}


def certification_suggestions(certifications: Iterable[str]) -> list[Suggestion]:
    """Rule 1: the targets the member's certifications give evidence for, one reason each."""
    found: dict[str, list[Reason]] = {}
    for cert in certifications:
        for evidence in reference.certification(cert).evidence:
            found.setdefault(evidence.target, []).append(Reason("certification", cert))
    return _sorted(found)


def canvas_suggestions(canvases: Mapping[str, Iterable[Note]]) -> list[Suggestion]:
    """Rule 2: the targets tagged on the notes of each canvas (template id -> notes), one reason per note."""
    found: dict[str, list[Reason]] = {}
    for template, notes in canvases.items():
        for note in notes:
            for code in note.sdg_targets:
                found.setdefault(code, []).append(Reason("canvas", template, note.text))
    return _sorted(found)


def suggest(certifications: Iterable[str], canvases: Mapping[str, Iterable[Note]],
            assessment: SdgAssessment | None = None) -> list[Suggestion]:
    """Every rule together: what to put before the member, in the UN's order of targets."""
    entries = {e.target: e for e in (assessment.entries if assessment else [])}
    found: dict[str, list[Reason]] = {}
    for part in (certification_suggestions(certifications), canvas_suggestions(canvases)):
        for suggestion in part:
            found.setdefault(suggestion.target, []).extend(suggestion.reasons)
    for code, entry in entries.items():
        if not entry.confirmed and code not in found:
            found[code] = [Reason("stored")]
    return [s for s in _sorted(found) if s.target not in entries or not entries[s.target].confirmed]


def _sorted(found: Mapping[str, Sequence[Reason]]) -> list[Suggestion]:
    order = _order()
    return [Suggestion(code, tuple(dict.fromkeys(reasons))) for code, reasons in
            sorted(found.items(), key=lambda kv: order.get(kv[0], len(order)))]


def shortlist(sector: str) -> tuple[reference.ShortlistItem, ...]:
    """The short list of the member's sector (the general rows and the sector's own)."""
    return reference.shortlist(sector if sector in reference.SECTORS else "general")


def status(entry: SdgEntry | None, suggested: bool = False) -> str:
    """``confirmed`` (assessed by the member), ``suggested`` (waits for the member) or ``open``."""
    if entry is not None and entry.confirmed:
        return "confirmed"
    if suggested or entry is not None:
        return "suggested"
    return "open"
