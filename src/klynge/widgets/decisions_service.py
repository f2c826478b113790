"""What the facilitator's "Decisions & maturity" page may do: record the members' decisions, answer and score
the self-assessment, take a round's snapshot and compare it with the one before.

The pages are handed a :class:`DecisionsService` and a :class:`MaturityService` and never see
the store: every call goes through it with the caller's identity, and the store checks the
access rules again. The findings a decision can name come from a callable, by default
:func:`findings_from_outputs` (the ``findings.json`` of the latest batch run); without it the
page asks for the finding's and option's ids as text. The members' figures a snapshot keeps
come from a callable too, by default :func:`member_figures` (read from the store as the batch
reads it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..batch.layout import cluster_dir
from ..errors import ValidationError
from ..i18n import LANGUAGES, t
from ..model import (
    Decision,
    MaturityAnswers,
    MaturityScore,
    MaturitySnapshot,
    MaturityTrend,
    MemberFigures,
    NextStep,
    check_answers,
    next_steps,
    orphaned,
    respondent,
    score,
    trend,
)
from ..report.strategy import decider_labels
from ..store import Identity, Store, StoredDecision, StoredSnapshot, Versioned
from ..validation import validate

__all__ = ["DecisionsService", "FindingChoice", "MaturityService", "findings_document", "findings_from_outputs",
           "kept_ids", "member_figures"]

log = logging.getLogger(__name__)

FINDINGS = "findings.json"


@dataclass(frozen=True)
class FindingChoice:
    """A finding a decision can name: its id, a label, and its options as (label, id)."""

    id: str
    label: str
    options: tuple[tuple[str, str], ...] = ()


def _text(value, lang: str) -> str:
    """A text from findings.json: a string, or a mapping by language (nb, sv, en)."""
    if isinstance(value, Mapping):
        value = value.get(lang) or value.get("en") or next((v for v in value.values() if isinstance(v, str)), "")
    return value if isinstance(value, str) else ""


def findings_document(outputs: str | Path) -> tuple[object, Path] | None:
    """The latest batch run's ``<outputs>/cluster/findings.json`` as read, with its path; None when there is none.

    A file that cannot be read counts as none (and is logged).
    """
    path = cluster_dir(Path(outputs)) / FINDINGS
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8")), path
    except (OSError, ValueError):
        log.exception("%s could not be read", path)
        return None


def findings_from_outputs(outputs: str | Path, lang: str = "en") -> list[FindingChoice] | None:
    """The findings of the latest batch run (``<outputs>/cluster/findings.json``), or None when there is none.

    The file holds a list of findings, or an object with one under ``findings``; a finding has an
    ``id``, a ``claim`` (or ``title``; a text or texts by language) and ``options``, each with an
    ``id`` and a ``title`` (or ``label`` or ``summary``). A file that cannot be read counts as
    none (and is logged): the page then asks for the ids as text.
    """
    read = findings_document(outputs)
    if read is None:
        return None
    data = read[0]
    items = data.get("findings") if isinstance(data, Mapping) else data
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            continue
        options = []
        for o in item.get("options") or []:
            if isinstance(o, Mapping) and isinstance(o.get("id"), str):
                label = _text(o.get("title") or o.get("label") or o.get("summary"), lang) or o["id"]
                options.append((label, o["id"]))
        found.append(FindingChoice(item["id"], _text(item.get("claim") or item.get("title"), lang) or item["id"],
                                   tuple(options)))
    return found


class DecisionsService:
    """The cluster's decisions, for the facilitator who records them.

    Parameters
    ----------
    store, who
        The store and the signed-in facilitator; every call names ``who``.
    findings
        Called with the page's language: the findings a decision can name, or None when none are known.
    """

    def __init__(self, store: Store, who: Identity,
                 findings: Callable[[str], list[FindingChoice] | None] = lambda _lang: None):
        self._store, self._who, self._findings = store, who, findings

    def findings(self, lang: str) -> list[FindingChoice] | None:
        try:
            return self._findings(lang)
        except Exception:  # the page falls back to typed ids; the reason is in the log
            log.exception("the findings could not be read")
            return None

    def decisions(self) -> list[StoredDecision]:
        return self._store.decisions(self._who)

    def history(self, decision_id: int) -> list[StoredDecision]:
        return self._store.decision_history(self._who, decision_id)

    def orphaned(self, decisions: list[StoredDecision], lang: str) -> set[int]:
        """Ids of the decisions whose finding the latest run did not make (none when no findings are known)."""
        known = self.findings(lang)
        return set() if known is None else {d.id for d in orphaned(decisions, [f.id for f in known])}

    def save(self, values: dict, lang: str, *, decision_id: int | None = None,
             base_version: int | None = None, shown: Sequence[tuple[str, int]] = ()) -> StoredDecision:
        """Record a new decision, or save an edit of ``decision_id`` made from ``base_version``.

        ``values`` are the form's: ``decided_by`` is text, names or organisations separated by
        commas or new lines. ``shown`` are the (label, id) pairs the form showed for people's ids
        (:meth:`shown`): a label left as it was keeps its person's id, so an edit never turns a
        person into a typed name.

        Raises
        ------
        ValidationError
            In ``lang``, per field.
        Conflict
            Someone saved the decision in between.
        """
        people = kept_ids(str(values.get("decided_by", "")), shown)
        decision = validate(Decision, {**values, "decided_by": people}, lang)
        if decision_id is None:
            return self._store.record_decision(self._who, decision)
        return self._store.revise_decision(self._who, decision_id, decision, base_version or 0)

    def _people(self, decisions: Iterable[Decision]) -> dict[int, str | None]:
        return self._store.decider_names(self._who, [i for d in decisions for i in d.decided_by if isinstance(i, int)])

    def names(self, decision: Decision, lang: str) -> list[str]:
        """Who decided, with people's ids read as their names (an erased person as a former participant)."""
        return decider_labels(decision.decided_by, self._people([decision]), lang)

    def shown(self, decision: Decision) -> list[tuple[str, int]]:
        """The (label, id) of each person's id among who decided, in every language the page speaks.

        An erased person's label differs by language, so a facilitator who switches language while
        editing still keeps the id.
        """
        people = self._people([decision])
        return list(dict.fromkeys((label, d) for lang in LANGUAGES for d in decision.decided_by if isinstance(d, int)
                                  for label in decider_labels([d], people, lang)))


def kept_ids(text: str, shown: Sequence[tuple[str, int]] = ()) -> list[str | int]:
    """Who decided from the form's text: each name as typed, or the person's id where a label shown for it is unchanged.

    A shown label may hold a comma (a name such as "Berg, Kari"), so neighbouring parts are
    joined again when together they make one. Two people shown with the same label keep their
    ids in the order shown.
    """
    parts = [p.strip() for p in text.replace("\n", ",").split(",")]
    ids: dict[str, list[int]] = {}
    for label, pid in shown:
        ids.setdefault(label.strip(), [])
        if pid not in ids[label.strip()]:
            ids[label.strip()].append(pid)
    used: set[int] = set()
    people: list[str | int] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            label = ", ".join(parts[i:j])
            free = [pid for pid in ids.get(label, ()) if pid not in used]
            if free:
                used.add(free[0])
                people.append(free[0])
                i = j
                break
        else:
            if parts[i]:
                people.append(parts[i])
            i += 1
    return people


def member_figures(store: Store, who: Identity) -> dict[str, MemberFigures]:
    """Every member's offers, low-season share of capacity and SDG actions, by name, read from the store.

    The members are read as the batch reads them (only what they share with the cluster) and
    counted by :func:`klynge.analysis.maturity.snapshot_figures`, which says what counts.
    """
    from ..analysis.maturity import snapshot_figures
    from ..batch.data import load_members

    return snapshot_figures(load_members(store, who).values())


class MaturityService:
    """The self-assessment: the facilitator's and the members' answers, scores, snapshots and the trend.

    Parameters
    ----------
    store, who
        The store and the signed-in facilitator.
    framework
        The assessment template (default: ``cluster_self_assessment`` of the default registry).
    figures
        Called when a snapshot is taken: the members' figures by member (default :func:`member_figures`).
    today
        The date a snapshot is given.
    """

    def __init__(self, store: Store, who: Identity, framework=None,
                 figures: Callable[[], dict[str, MemberFigures]] | None = None,
                 today: Callable[[], date] = date.today):
        if framework is None:
            from ..canvases import default_registry

            framework = default_registry().get("cluster_self_assessment")
        self._store, self._who, self.framework = store, who, framework
        self._figures = figures or (lambda: member_figures(store, who))
        self._today = today

    def respondents(self, lang: str) -> list[tuple[str, str]]:
        """(label, key) of the facilitator and every member organisation."""
        members = sorted(self._store.organisations(self._who), key=lambda o: (o.name.casefold(), o.id))
        return [(t("maturity.respondent.facilitator", lang), respondent())] + [
            (o.name, respondent(o.id)) for o in members]

    def rounds(self) -> list[str]:
        return self._store.maturity_rounds(self._who)

    def answers(self, round: str, key: str) -> Versioned[MaturityAnswers] | None:
        return next((a for a in self._store.maturity_answers(self._who, round) if a.value.respondent == key), None)

    def save(self, round: str, key: str, values: Mapping[str, int | None], base_version: int | None,
             lang: str) -> Versioned[MaturityAnswers]:
        """Save one respondent's answers for a round (a stale save is a Conflict)."""
        answers = validate(MaturityAnswers, {"round": round, "respondent": key, "answers": dict(values)}, lang)
        check_answers(self.framework, answers, lang)
        return self._store.save_maturity_answers(self._who, answers, base_version)

    def score(self, round: str) -> MaturityScore:
        """The round's score over every respondent's answers."""
        return score(self.framework, [a.value for a in self._store.maturity_answers(self._who, round)])

    def next_steps(self, scored: MaturityScore, lang: str) -> list[NextStep]:
        return next_steps(self.framework, scored, lang)

    def snapshots(self) -> list[StoredSnapshot]:
        return self._store.snapshots(self._who)

    def take_snapshot(self, round: str, lang: str) -> MaturitySnapshot:
        """Keep the round's score and the members' figures as they are today."""
        if not round.strip():
            raise ValidationError([(t("maturity.round", lang), t("maturity.round_missing", lang))])
        snapshot = validate(MaturitySnapshot, {"round": round, "taken_on": self._today(),
                                               "score": self.score(round.strip()), "members": self._figures()}, lang)
        self._store.take_snapshot(self._who, snapshot)
        return snapshot

    def trend(self) -> MaturityTrend | None:
        """The latest round's snapshot against the round's before it (None with fewer than two rounds).

        A round snapshotted again counts with its latest snapshot, as in the cluster report.
        """
        from ..report.maturity import latest_per_round

        taken = latest_per_round([s.snapshot for s in self.snapshots()])
        return trend(taken[-2], taken[-1]) if len(taken) > 1 else None
