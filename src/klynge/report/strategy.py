"""The strategy's findings on the report pages: options, decisions, how we concluded, what it means for you.

Renders the findings as :func:`klynge.strategy.findings_json` wrote them (``findings.json``
beside the cluster report), so a member's report and the cluster's read the same document.
The software shows options and their consequences for each member; the members decide, and
their decisions (recorded by the facilitator) are shown beside the findings that led to them.
A decision on a finding the data no longer gives is kept and shown apart. The lessons of the
learning log that changed a finding or one of its options are cited beside it ("What we learned").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from markupsafe import Markup

from ..formatting import number
from ..i18n import t
from ..strategy import Text
from .html import bullet_notes, details, paragraph, section, table

__all__ = ["DECISION_FIELDS", "concluded_section", "decider_labels", "findings_section", "lessons_by_finding",
           "member_options_section", "option_totals", "text_of", "workshops_by_finding"]

#: What a decision shown on a report holds (the store's decisions, as dicts).
DECISION_FIELDS = ("finding_id", "option_id", "outcome", "amendment", "reasoning", "decided_by", "decided_on")


def text_of(data: Mapping, lang: str) -> str:
    """A finding's text (``{"key": ..., "params": {...}}`` from ``findings.json``) in ``lang``."""
    return Text.of(data["key"], **data.get("params", {})).render(lang)


def decider_labels(decided_by: Sequence, people: Mapping[int, str | None], lang: str) -> list[str]:
    """Who decided, as a reader reads it: a typed name as typed, a person's id as their name.

    ``people`` is what :meth:`klynge.store.Store.decider_names` gave the reader: an erased person
    (None) reads as "a former participant", a person the reader may not read (left out) as "a
    member's participant", never as a bare id.
    """
    labels = []
    for d in decided_by:
        if isinstance(d, str):
            labels.append(d)
        elif people.get(d):
            labels.append(people[d])
        else:
            labels.append(t("decisions.decider.former" if d in people else "decisions.decider.hidden", lang))
    return labels


def _name(names: Mapping[int, str], member) -> str:
    return names.get(member) or names.get(str(member)) or f"#{member}"


def _consequences(option: Mapping, names: Mapping[int, str], lang: str) -> list[str]:
    """Each member's consequence as one line: who, what changes, and the figures it adds (a list
    reads on a phone where a wide table would not)."""
    lines = []
    for c in option["consequences"]:
        figures = [t(f"report.strategy.total.{k}", lang, value=number(c[k], lang))
                   for k in ("capacity", "cost", "hours") if c[k]]
        line = f"{_name(names, c['member'])}: {text_of(c['change'], lang)}"
        lines.append(f"{line} ({', '.join(figures)})" if figures else line)
    return lines


def option_totals(option: Mapping, lang: str) -> str:
    """An option's consequences summed over its members, in words: only the figures it has."""
    totals = option.get("totals") or {}
    n = totals.get("members", len(option.get("consequences") or ()))
    figures = [t(f"report.strategy.total.{k}", lang, value=number(totals[k], lang))
               for k in ("capacity", "cost", "hours") if totals.get(k)]
    if not figures:
        return t("report.strategy.option_members", lang, n=n)
    return t("report.strategy.option_totals", lang, n=n, figures=", ".join(figures))


def _labels(lang: str, *keys: str) -> dict[str, str]:
    return {k: t(f"report.strategy.col.{k}", lang) for k in keys}


def _decision(decision: Mapping, options: Mapping[str, str], lang: str) -> Markup:
    outcome = t(f"report.strategy.outcome.{decision['outcome']}", lang)
    option = options.get(decision["option_id"], decision["option_id"])
    lines = [paragraph(t("report.strategy.decided", lang, outcome=outcome, option=option,
                         by=decision.get("decided_by") or "–", on=decision.get("decided_on") or "–"))]
    if decision.get("amendment"):
        lines.append(paragraph(t("report.strategy.amendment", lang, text=decision["amendment"])))
    lines.append(paragraph(t("report.strategy.reasoning", lang, text=decision.get("reasoning") or "")))
    return section(t("report.strategy.decision", lang), *lines, level=4)


def _workshop(outcome: Mapping, lang: str) -> Markup:
    """A closed workshop round on a finding: its question, who took part, and its ideas with most dots."""
    rows = [{"idea": x["text"], "votes": x["votes"], "theme": x.get("group") or "",
             "agreed": ", ".join(x.get("agreed", ()))} for x in outcome["ideas"]]
    labels = {k: t(f"report.workshop.{k}", lang) for k in ("idea", "votes", "theme", "agreed")}
    return section(t("report.workshop.title", lang, question=outcome["question"]),
                   paragraph(t("report.workshop.line", lang, ideas=len(outcome["ideas"]), voters=outcome["voters"],
                               closed=(outcome.get("closed_at") or "")[:10])),
                   table(rows, labels=labels, limit=10, lang=lang), level=4)


def workshops_by_finding(outcomes: Sequence[Mapping], decisions: Mapping[int, str] | None = None) -> dict[str, list]:
    """Closed rounds' outcomes by the finding they belong beside: a finding's own, its options' (``finding#option``),
    and those on a decision (by the decision's finding, from ``decisions``: decision id to finding id)."""
    found: dict[str, list] = {}
    for o in outcomes:
        subject = o["subject_id"]
        if o["subject_kind"] == "decision":
            subject = (decisions or {}).get(int(subject)) if subject.isdigit() else None
            subject = subject or (o.get("decision") or {}).get("finding_id")
        if subject:
            found.setdefault(subject.split("#", 1)[0], []).append(o)
    return found


def lessons_by_finding(lessons: Sequence[Mapping]) -> dict[str, list]:
    """Lessons by the finding they changed (:meth:`klynge.store.Store.lesson_citations`), once per finding, each
    with ``options``: the ids of the finding's options it changed (empty when it changed the finding itself)."""
    found: dict[str, dict[int, dict]] = {}
    for x in lessons:
        for ref in x.get("links") or ():
            finding, _, option = ref.partition("#")
            cited = found.setdefault(finding, {}).setdefault(x["id"], {**x, "options": []})
            if option:
                cited["options"].append(option)
    return {finding: list(cited.values()) for finding, cited in found.items()}


def _source(lesson: Mapping, lang: str) -> str:
    kind, by = lesson.get("source_kind"), lesson.get("organisation") or t("report.lessons.cluster", lang)
    if kind == "round" and lesson.get("source"):  # the round's question and the day it closed
        where = t("report.lessons.from_round", lang, question=lesson["source"],
                  day=date.fromisoformat(lesson["source_day"]) if lesson.get("source_day") else "")
    elif kind == "round":  # no longer in the cluster: said so, never as a bare number
        where = t("report.lessons.from_round_gone", lang)
    elif kind == "concept" and lesson.get("source"):  # the concept's title and stage as they are now
        where = t("report.lessons.from_concept", lang, title=lesson["source"],
                  stage=t(f"concept.stage.{lesson.get('source_stage')}", lang))
    elif kind == "concept":  # erased, or no longer in the cluster: said so, never as a bare number
        where = t("report.lessons.from_concept_gone", lang)
    else:
        where = t("report.lessons.from_none", lang)
    return t("report.lessons.source_line", lang, source=where, by=by, on=(lesson.get("created_at") or "")[:10])


def _lessons(lessons: Sequence[Mapping], options: Mapping[str, str], lang: str) -> Markup:
    """The lessons that changed a finding or its options: what we assumed, saw and change, and where it came from."""
    parts = []
    for x in lessons:
        facts = [{"k": t(f"report.lessons.{k}", lang), "v": x[k]} for k in ("assumed", "saw", "change")]
        facts.append({"k": t("report.lessons.source", lang), "v": _source(x, lang)})
        if x.get("options"):
            facts.append({"k": t("report.lessons.changed", lang),
                          "v": ", ".join(options.get(o, o) for o in x["options"])})
        parts.append(table(facts, ["k", "v"], lang=lang, header=False))
    return section(t("report.lessons.title", lang), *parts, level=4)


def _finding(f: Mapping, names: Mapping[int, str], decisions: Sequence[Mapping], lang: str,
             workshops: Sequence[Mapping] = (), lessons: Sequence[Mapping] = ()) -> Markup:
    facts = [{"k": t("report.strategy.confidence", lang), "v": t(f["confidence_text"], lang)},
             {"k": t("report.strategy.method", lang), "v": text_of(f["method"], lang)},
             {"k": t("report.strategy.evidence", lang),
              "v": t("report.strategy.evidence_count", lang, n=len(f["evidence"]))}]
    stale = sum(e["stale"] for e in f["evidence"])
    if stale:
        facts.append({"k": t("report.strategy.stale", lang), "v": t("report.strategy.stale_rows", lang, n=stale)})
    parts = [table(facts, ["k", "v"], lang=lang, header=False)]
    options = {o["id"]: text_of(o["text"], lang) for o in f["options"]}
    for o in f["options"]:
        lines = _consequences(o, names, lang)
        summary = option_totals(o, lang)
        parts.append(section(t("report.strategy.option", lang, text=options[o["id"]]), paragraph(summary),
                             details(t("report.strategy.per_member", lang, n=len(lines)),
                                     bullet_notes([(line, False) for line in lines], lang)) if lines else "",
                             level=4))
    for d in decisions:
        parts.append(_decision(d, options, lang))
    parts += [_workshop(o, lang) for o in workshops]
    if lessons:
        parts.append(_lessons(lessons, options, lang))
    return section(text_of(f["claim"], lang), *parts, level=3)


def findings_section(document: Mapping, names: Mapping[int, str], lang: str,
                     decisions: Sequence[Mapping] = (), workshops: Mapping[str, Sequence[Mapping]] | None = None,
                     lessons: Mapping[str, Sequence[Mapping]] | None = None) -> Markup:
    """The findings, each with its options, their consequences per member and the decisions taken on it.

    Parameters
    ----------
    document
        ``findings.json`` as read.
    names
        Member names by organisation id.
    decisions
        Decisions as dicts with :data:`DECISION_FIELDS`; those on findings the document no
        longer holds are listed apart, never dropped.
    workshops
        The outcomes of closed workshop rounds by finding id (:func:`workshops_by_finding`), shown
        beside their finding.
    lessons
        The lessons that changed a finding or its options by finding id (:func:`lessons_by_finding`),
        cited beside their finding as "What we learned".
    """
    found = document["findings"]
    ids = {f["id"] for f in found}
    by_finding: dict[str, list[Mapping]] = {}
    for d in decisions:
        by_finding.setdefault(d["finding_id"], []).append(d)
    parts = [paragraph(t("report.strategy.intro", lang))]
    if not found:
        parts.append(paragraph(t("report.strategy.none", lang)))
    for kind in dict.fromkeys(f["kind"] for f in found):
        items = [_finding(f, names, by_finding.get(f["id"], ()), lang, (workshops or {}).get(f["id"], ()),
                          (lessons or {}).get(f["id"], ())) for f in found if f["kind"] == kind]
        parts.append(section(t(f"report.strategy.kind.{kind}", lang), *items, level=3))
    orphaned = [d for d in decisions if d["finding_id"] not in ids]
    if orphaned:
        rows = [{"finding": d["finding_id"], "option": d["option_id"],
                 "outcome": t(f"report.strategy.outcome.{d['outcome']}", lang), "reasoning": d.get("reasoning", ""),
                 "decided_on": d.get("decided_on", "")} for d in orphaned]
        parts.append(section(t("report.strategy.orphaned", lang), paragraph(t("report.strategy.orphaned_note", lang)),
                             table(rows, labels=_labels(lang, *rows[0]), lang=lang), level=3))
    gone = [(finding, x) for finding, cited in (lessons or {}).items() if finding not in ids for x in cited]
    if gone:  # kept in view, as decisions are: the run no longer makes the finding they changed
        rows = [{"finding": finding, **{k: x[k] for k in ("assumed", "saw", "change")}} for finding, x in gone]
        labels = {"finding": t("report.strategy.col.finding", lang),
                  **{k: t(f"report.lessons.{k}", lang) for k in ("assumed", "saw", "change")}}
        parts.append(section(t("report.lessons.orphaned", lang), paragraph(t("report.lessons.orphaned_note", lang)),
                             table(rows, labels=labels, lang=lang), level=3))
    return section(t("report.strategy.title", lang, n=len(found)), *parts)


def _evidence_rows(f: Mapping, names: Mapping[int, str], lang: str) -> list[dict]:
    rows = []
    for e in f["evidence"]:
        ids = e["ids"]
        what = ", ".join(f"{k} {v}" for k, v in sorted(ids.items()) if k != "member")
        source = t(f"report.strategy.source.{e['source']}", lang)
        if e["source"] == "reference":
            source += f" ({e.get('source_name', '')}, {e.get('year') or '–'})"
        rows.append({"source": source, "member": _name(names, ids["member"]) if "member" in ids else "",
                     "what": what, "measure": e["measure"], "figure": e["figure"], "text": e.get("text", ""),
                     "stale": t("report.strategy.stale_yes", lang) if e["stale"] else ""})
    return rows


def _assumption_rows(f: Mapping, lang: str) -> list[dict]:
    return [{"assumption": t(a["text"], lang), "value": a["value"], "lower": a["lower"], "higher": a["higher"],
             "holds": t("report.strategy.holds" if a["robust"] else "report.strategy.fragile", lang)}
            for a in f["assumptions"]]


def concluded_section(document: Mapping, names: Mapping[int, str], lang: str) -> Markup:
    """The appendix "How we concluded": each finding's method, evidence rows and assumptions with their sensitivity."""
    parts = [paragraph(t("report.strategy.concluded_intro", lang)), paragraph(t("strategy.confidence_rule", lang))]
    for f in document["findings"]:
        evidence = _evidence_rows(f, names, lang)
        assumptions = _assumption_rows(f, lang)
        parts.append(section(
            f"{f['id']}: {text_of(f['claim'], lang)}", paragraph(text_of(f["method"], lang)),
            table(evidence, labels=_labels(lang, *evidence[0]), lang=lang) if evidence else
            paragraph(t("report.strategy.no_evidence", lang)),
            table(assumptions, labels=_labels(lang, *assumptions[0]), lang=lang) if assumptions else "",
            level=3))
    return section(t("report.strategy.concluded", lang), *parts)


def member_options_section(document: Mapping, organisation_id: int, names: Mapping[int, str], lang: str,
                           decisions: Sequence[Mapping] = ()) -> Markup:
    """A member's "What the options mean for you": each consequence for it, with the finding and the option."""
    decided = {(d["finding_id"], d["option_id"]): d for d in decisions}
    rows = []
    for f in document["findings"]:
        for o in f["options"]:
            for c in o["consequences"]:
                if c["member"] != organisation_id:
                    continue
                d = decided.get((f["id"], o["id"]))
                rows.append({"finding": text_of(f["claim"], lang), "option": text_of(o["text"], lang),
                             "change": text_of(c["change"], lang),
                             "decision": t(f"report.strategy.outcome.{d['outcome']}", lang) if d else ""})
    body = (table(rows, labels=_labels(lang, *rows[0]), lang=lang) if rows
            else paragraph(t("report.strategy.nothing_for_you", lang)))
    return section(t("report.strategy.for_you", lang), paragraph(t("report.strategy.for_you_intro", lang)), body)
