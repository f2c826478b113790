"""What the workshop board and the facilitator's "Workshops" page may do, and the poller that keeps a board live.

The widgets are handed a :class:`WorkshopService` and never see the store: every call names the
caller's identity and the store checks the access rules. :class:`Poller` watches a cheap value
(a round's change counter, or the cluster's) from a task on the kernel's running asyncio loop,
reading it in a worker thread so the kernel never blocks, and calls back on the loop when it
changed: widget updates made there reach the browser without a reload.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import AccessDenied, Conflict, KlyngeError, NotFound, Refused, ValidationError
from ..i18n import t
from ..store import Identity, Store, WorkshopBoard, WorkshopImport, WorkshopRound
from ..store.workshops import RoundState
from ..workshop_import import parse_workshop_file

__all__ = ["POLL_SECONDS", "Poller", "Subject", "WorkshopService", "error_text"]

log = logging.getLogger(__name__)

#: How often an open board reads the change counter: a change shows within about this, well under 3 s.
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Subject:
    """Something a round can be opened on: its kind, id and title."""

    kind: str
    id: str
    title: str


def error_text(exc: Exception, lang: str) -> str:
    """What went wrong, in the reader's language; never a traceback."""
    if isinstance(exc, Refused) and exc.key.startswith("workshop."):
        return t(exc.key, lang, **exc.values)
    if isinstance(exc, AccessDenied) and "own ideas" in str(exc):
        return t("workshop.error.not_yours", lang)
    if isinstance(exc, Conflict):
        return t("workshop.error.conflict", lang)
    if isinstance(exc, NotFound):
        return t("workshop.error.gone", lang)
    if isinstance(exc, ValidationError | KlyngeError):
        return str(exc)
    log.error("a workshop action failed", exc_info=exc)
    return t("page.error.body", lang)


class WorkshopService:
    """A person's workshop rounds.

    Parameters
    ----------
    store, who
        The store and the signed-in person; every call names ``who``.
    findings
        Called with a language: the latest run's findings (:class:`~klynge.widgets.decisions_service.FindingChoice`)
        or None; a facilitator opens rounds on them and their options.
    gaps
        Called without arguments: the cluster's low-season gaps (dicts as
        :func:`~klynge.analysis.gaps.gap_picture` lists them), or None.
    """

    def __init__(self, store: Store, who: Identity, findings: Callable[[str], list | None] = lambda _lang: None,
                 gaps: Callable[[], list | None] = lambda: None):
        self.store, self.who = store, who
        self._findings, self._gaps = findings, gaps

    # reading
    def rounds(self, state: str | None = "open") -> list[WorkshopRound]:
        return self.store.workshop_rounds(self.who, state=state)

    def board(self, round_id: int) -> WorkshopBoard:
        return self.store.workshop_board(self.who, round_id)

    def state(self, round_id: int) -> RoundState:
        return self.store.round_state(self.who, round_id)

    def signal(self) -> tuple[int, int]:
        return self.store.rounds_signal(self.who)

    def outcome(self, round_id: int) -> dict:
        return self.store.workshop_outcome(self.who, round_id)

    # taking part
    def add_idea(self, round_id: int, text: str) -> int:
        return self.store.add_idea(self.who, round_id, text)

    def edit_idea(self, idea_id: int, text: str, version: int) -> int:
        return self.store.edit_idea(self.who, idea_id, text, version)

    def comment(self, idea_id: int, text: str) -> int:
        return self.store.comment(self.who, idea_id, text)

    def react(self, idea_id: int, kind: str) -> bool:
        return self.store.react(self.who, idea_id, kind)

    def vote(self, idea_id: int, change: int) -> int:
        return self.store.vote(self.who, idea_id, change)

    # running
    def subjects(self, lang: str) -> list[Subject]:
        """What a round can be opened on: the latest findings and their options, the gaps, the draft decisions."""
        found: list[Subject] = []
        try:
            for f in self._findings(lang) or []:
                found.append(Subject("finding", f.id, f.label))
                found += [Subject("option", f"{f.id}#{oid}", f"{f.label}: {label}") for label, oid in f.options]
        except Exception:  # the other lists still help; the reason is in the log
            log.exception("the findings could not be read")
        try:
            for gap in self._gaps() or []:
                gid, month = f"gap:{gap['area']}:{gap['month']}", t(f"board.month.{gap['month']}", lang)
                found.append(Subject("gap", gid, f"{gap.get('area_name') or gap['area']}, {month}"))
        except Exception:
            log.exception("the gaps could not be read")
        for d in self.store.decisions(self.who):
            found.append(Subject("decision", str(d.id), f"{d.decision.finding_id}: {d.decision.option_id} "
                                                        f"({d.decision.outcome})"))
        return found

    def open_round(self, subject: Subject, question: str, minutes: int, dots: int) -> WorkshopRound:
        return self.store.open_round(self.who, subject_kind=subject.kind, subject_id=subject.id,
                                     subject_title=subject.title, question=question, minutes=minutes, dots=dots)

    def close(self, round_id: int) -> WorkshopRound:
        return self.store.close_round(self.who, round_id)

    def extend(self, round_id: int, minutes: int) -> WorkshopRound:
        return self.store.extend_round(self.who, round_id, minutes)

    def add_theme(self, round_id: int, title: str) -> int:
        return self.store.add_group(self.who, round_id, title)

    def group(self, idea_id: int, group_id: int | None) -> None:
        self.store.group_idea(self.who, idea_id, group_id)

    def merge(self, idea_id: int, into_id: int) -> None:
        self.store.merge_ideas(self.who, idea_id, into_id)

    def decisions(self) -> list[tuple[str, int]]:
        """The cluster's decisions a round can have fed, as (label, id)."""
        return [(f"{d.decision.finding_id}: {d.decision.option_id} ({d.decision.outcome})", d.id)
                for d in self.store.decisions(self.who)]

    def feed(self, round_id: int, decision_id: int | None) -> None:
        self.store.feed_decision(self.who, round_id, decision_id)

    def import_file(self, round_id: int, data: bytes, name: str, format: str | None = None,
                    lang: str = "nb") -> WorkshopImport:
        """Add the ideas of a Mentimeter, Miro, QiqoChat or Zoom file to the round (all or none).

        Raises
        ------
        DataError
            In ``lang``: the file is of no format we read (the message says what was expected).
        """
        return self.store.import_workshop_ideas(self.who, round_id, parse_workshop_file(data, name, format, lang))


class Poller:
    """Call ``changed(value)`` on the kernel's loop whenever ``read()`` returns something new.

    With ``load``, ``changed`` is called with what ``load()`` returns instead (read in the worker
    thread too, once per change: the whole board, after its cheap counter moved). ``read`` runs
    in a worker thread every ``interval`` seconds; ``tick`` (optional) runs on the
    loop every interval too (a countdown). Started only where an asyncio loop runs (a kernel); a
    test calls :meth:`check` itself.
    """

    def __init__(self, read: Callable[[], object], changed: Callable[[object], None],
                 tick: Callable[[], None] | None = None, interval: float = POLL_SECONDS,
                 load: Callable[[], object] | None = None):
        self._read, self._changed, self._tick, self.interval = read, changed, tick, interval
        self._load = load
        self.last: object = None
        self._task: asyncio.Task | None = None

    def start(self, current: object) -> bool:
        """Remember ``current`` as seen and start watching; False where no loop runs."""
        self.last = current
        if self._task is not None and not self._task.done():
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def check(self) -> bool:
        """Read once, in this thread, and call back when it changed; True when it did."""
        value = self._read()
        if value == self.last:
            return False
        self.last = value
        self._changed(self._load() if self._load else value)
        return True

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.interval)
            try:
                if self._tick is not None:
                    self._tick()
                value = await loop.run_in_executor(None, self._read)
                if value != self.last:
                    self.last = value
                    self._changed(await loop.run_in_executor(None, self._load) if self._load else value)
            except asyncio.CancelledError:
                raise
            except KlyngeError as exc:  # the round is gone, or the sign-in ended: stop watching
                log.info("a workshop board stopped watching: %s", exc)
                return
            except Exception:  # a passing database hiccup: try again next time
                log.exception("a workshop board could not read its round")
