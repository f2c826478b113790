"""How far each member is in the programme, and who is stuck (pure functions, no I/O).

The facilitator's member list rests on these: each member's progress per step (the same
counts the member's own home page shows, from :mod:`klynge.progress`), the time they last
saved anything, and the reasons to call them: no activity for a number of days, or a step
still empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..model import CanvasDocument, Offer, Organisation, SdgAssessment
from ..progress import StepProgress, canvas_progress, profile_progress, sdg_progress

__all__ = ["MemberProgress", "STUCK_DAYS", "member_progress", "stuck_reasons"]

#: Days without a save after which a member is listed as stuck, unless the facilitator picks another number.
STUCK_DAYS = 14


@dataclass(frozen=True)
class MemberProgress:
    """One member in the facilitator's list: the steps in programme order and the last save."""

    organisation_id: int
    name: str
    steps: tuple[StepProgress, ...]
    last_activity: datetime | None = None
    people: tuple[str, ...] = field(default_factory=tuple)

    def step(self, name: str) -> StepProgress:
        return next(s for s in self.steps if s.step == name)


def member_progress(organisation: Organisation, offers: Sequence[Offer], canvases: Mapping[str, CanvasDocument],
                    sdg: SdgAssessment | None, *, templates: Mapping[str, Sequence[str]], shortlist: Sequence[str],
                    last_activity: datetime | None = None, people: Sequence[str] = ()) -> MemberProgress:
    """A member's progress: profile and offers, each canvas of ``templates`` (id to block ids), SDGs.

    Parameters
    ----------
    organisation, offers, canvases, sdg
        What the member has saved (canvases by template id; a missing one counts as empty).
    templates
        The canvases of the programme, in its order, with their block ids.
    shortlist
        The SDG targets of the member's sector that the SDG step asks about.
    """
    steps = [profile_progress(organisation, offers)]
    steps += [canvas_progress(tid, list(blocks), canvases.get(tid) or CanvasDocument(template=tid, notes=[]))
              for tid, blocks in templates.items()]
    steps.append(sdg_progress(sdg or SdgAssessment(entries=[]), list(shortlist)))
    return MemberProgress(int(organisation.id), organisation.name, tuple(steps), last_activity, tuple(people))


def stuck_reasons(member: MemberProgress, now: datetime, days: int = STUCK_DAYS) -> list[tuple[str, dict]]:
    """Why a member may need a call, as message keys and values; empty when all is well.

    A member is stuck after ``days`` days without a save (or when they never saved), and for
    every step that is still empty. A step half done is progress, not a reason.
    """
    reasons: list[tuple[str, dict]] = []
    if member.last_activity is None:
        reasons.append(("members.stuck.never", {}))
    else:
        idle = (now - member.last_activity).days
        if idle >= days:
            reasons.append(("members.stuck.idle", {"days": idle}))
    empty = [s.step for s in member.steps if s.total and s.done == 0]
    if empty:
        reasons.append(("members.stuck.empty", {"steps": empty}))
    return reasons
