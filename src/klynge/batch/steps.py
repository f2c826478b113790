"""What the batch notebooks call: read the store, compute, render, write the outputs.

Each batch notebook in ``notebooks/batch/`` is a parameters cell and a call or two into this
module. The database comes from the settings (``KLYNGE_DB``), never from a notebook
parameter, so no executed notebook holds a password. Outputs are written into
``output_dir`` (each file written whole and renamed into place); the runner gives every
notebook its own temporary folder and renames that into the outputs when it is complete.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from .. import reference
from ..settings import load_settings
from . import runlock
from .data import SHARED, MemberData, batch_identity, load_cluster, load_member, load_members
from .fingerprint import cluster_fingerprint, member_fingerprint

__all__ = ["ANALYSIS", "CLUSTER_HTML", "CLUSTER_JSON", "FINDINGS_JSON", "REPORT", "brief", "cluster_findings",
           "cluster_summary", "low_season_gaps", "maturity_section", "member_analysis", "member_report", "read_json",
           "strategy_data", "write_bytes", "write_findings", "write_json"]

ANALYSIS = "analysis.json"
CLUSTER_JSON = "cluster.json"
CLUSTER_HTML = "cluster_summary.html"
FINDINGS_JSON = "findings.json"
REPORT = "report.html"
SCHEMA = 1


@cache
def _store(url: str):
    from ..store import open_store

    return open_store(url, create=False)


def _context():
    runlock.hold()  # a kernel of papermill's own engine was not warmed up: it holds its run's lock here
    settings = load_settings()
    store = _store(settings.db)
    return settings, store, batch_identity(store)


def write_bytes(path: str | Path, data: bytes, scratch: str | Path | None = None) -> Path:
    """Write ``data`` to ``path`` whole: into a temporary file, then renamed into place.

    The temporary file is made in ``scratch`` (a folder on the same file system) or beside
    ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(scratch or path.parent) / f".{path.name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def write_json(path: str | Path, data) -> Path:
    """Write ``data`` as stable JSON (sorted keys, UTF-8, a newline at the end)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    return write_bytes(path, text.encode("utf-8"))


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _template_blocks(settings) -> dict[str, list[str]]:
    from ..canvases import default_registry

    return {t.id: [b.id for b in t.blocks] for t in default_registry(settings.template_dirs).canvases()}


def figures_of(member: MemberData, settings) -> dict:
    """A member's figures (:func:`klynge.analysis.member.member_figures`) with its fingerprint."""
    from ..analysis.member import member_figures

    figures = member_figures(
        member.organisation, member.offers, member.canvases, member.sdg, area=member.area,
        seasonality=member.seasonality, low_months=reference.low_months(member.area),
        template_blocks=_template_blocks(settings))
    return {"schema": SCHEMA, "fingerprint": member_fingerprint(member), **figures}


def member_analysis(organisation_id: int, lang: str = "nb", output_dir: str = ".") -> dict:
    """Compute one member's figures and write them to ``output_dir/analysis.json``.

    Returns
    -------
    dict
        The figures, as written.
    """
    settings, store, who = _context()
    member = load_member(store, who, organisation_id)
    figures = {**figures_of(member, settings), "lang": lang}
    write_json(Path(output_dir) / ANALYSIS, figures)
    return figures


def cluster_summary(analyses_dir: str, lang: str = "nb", output_dir: str = ".", excluded_json: str = "") -> dict:
    """The cluster's first picture from every ``*.json`` analysis in ``analyses_dir``.

    Writes ``cluster.json`` (figures and the rows behind them), ``findings.json`` (the
    strategy's findings over the same members, :func:`cluster_findings`) and
    ``cluster_summary.html`` to ``output_dir``. ``excluded_json`` optionally names a JSON list of members left out
    (``name`` and ``reason``), shown on the page.
    """
    from ..analysis.cluster import cluster_picture
    from ..report.pages import cluster_summary_html

    settings, store, who = _context()
    cluster = load_cluster(store, who)
    analyses = [read_json(p) for p in sorted(Path(analyses_dir).glob("*.json"))]
    analyses.sort(key=lambda a: a["member"]["id"])
    picture = cluster_picture(cluster.name, {s.slug: s.name for s in cluster.subclusters}, analyses)
    fingerprint = cluster_fingerprint(cluster, {a["member"]["id"]: a["fingerprint"] for a in analyses})
    picture = {"schema": SCHEMA, "fingerprint": fingerprint, "lang": lang, **picture}
    picture["gaps"] = low_season_gaps(store, who, analyses)
    excluded = read_json(excluded_json) if excluded_json else []
    write_json(Path(output_dir) / CLUSTER_JSON, picture)
    found = write_findings(Path(output_dir) / FINDINGS_JSON, cluster_findings([a["member"]["id"] for a in analyses]),
                           fingerprint)
    lead, appendix = _strategy_sections(read_json(found), picture, store, who, lang)
    appendix.insert(0, maturity_section(store, who, lang, settings.template_dirs))
    page = cluster_summary_html(picture, lang, fingerprint, excluded, lead, appendix)
    write_bytes(Path(output_dir) / CLUSTER_HTML, page.encode("utf-8"))
    return picture


def low_season_gaps(store, who, analyses: list[dict]) -> dict:
    """The low-season gap finder (:func:`klynge.analysis.gaps.gap_picture`) over the members' offers.

    The offers are the rows of the members' analyses; the packages counted are the agreed ones
    (finished, and accepted by every supplier) shared with the cluster (the batch reads nothing private).
    """
    from ..analysis.gaps import gap_picture

    rows = [r for a in analyses for r in a["rows"]["offers"]]
    return gap_picture(rows, [p for p, _rev in store.agreed_packages(who) if p.visibility in SHARED])
def maturity_section(store, who, lang: str, template_dirs=()):
    """The report's "Maturity" section (:func:`klynge.report.maturity.maturity_section`) from the cluster's
    snapshots, scored on the self-assessment the latest was taken with (None when it is no longer found)."""
    from ..canvases import AssessmentTemplate, default_registry
    from ..errors import KlyngeError
    from ..report.maturity import maturity_section as section

    snapshots = [s.snapshot for s in store.snapshots(who)]
    framework = None
    if snapshots:
        try:
            framework = default_registry(template_dirs).get(snapshots[-1].score.framework)
        except KlyngeError:
            framework = None
    return section(snapshots, framework if isinstance(framework, AssessmentTemplate) else None, lang)


def _member_names(picture: dict) -> dict[int, str]:
    return {row["id"]: row["name"] for row in picture["members"]["rows"]}


def recorded_decisions(store, who, lang: str = "en", organisation_id: int | None = None) -> list[dict]:
    """The members' decisions on the findings, as reports show them (``report.strategy.DECISION_FIELDS``).

    Who decided reads as typed, or for a person's id: their name in one member's report
    (``organisation_id``) when they are of that member, "a former participant" when erased, and
    "a member's participant" otherwise (the cluster's report is read by every member, and a
    participant does not read another organisation's people).
    """
    from ..report.strategy import decider_labels

    decisions = [stored.decision for stored in store.decisions(who)]
    people = store.decider_names(who, [i for d in decisions for i in d.decided_by if isinstance(i, int)],
                                 organisation_id=organisation_id, named=organisation_id is not None)
    return [{"finding_id": d.finding_id, "option_id": d.option_id, "outcome": d.outcome, "amendment": d.amendment,
             "reasoning": d.reasoning, "decided_by": ", ".join(decider_labels(d.decided_by, people, lang)),
             "decided_on": d.decided_on.isoformat()}
            for d in decisions]


def recorded_workshops(store, who) -> list[dict]:
    """The outcomes of the cluster's closed workshop rounds (:meth:`klynge.store.Store.workshop_outcomes`)."""
    return store.workshop_outcomes(who)


def recorded_lessons(store, who) -> list[dict]:
    """The lessons that changed a finding or an option (:meth:`klynge.store.Store.lesson_citations`)."""
    return store.lesson_citations(who)


def _strategy_sections(document: dict, picture: dict, store, who, lang: str) -> tuple[list, list]:
    """The findings with their options, decisions, workshop outcomes and the lessons that changed them (before the
    picture), and how they were concluded (after it)."""
    from ..report.strategy import concluded_section, findings_section, lessons_by_finding, workshops_by_finding

    names = _member_names(picture)
    decided = {d.id: d.decision.finding_id for d in store.decisions(who)}
    workshops = workshops_by_finding(recorded_workshops(store, who), decided)
    lessons = lessons_by_finding(recorded_lessons(store, who))
    return ([findings_section(document, names, lang, recorded_decisions(store, who, lang), workshops, lessons)],
            [concluded_section(document, names, lang)])


def strategy_data(store, who, ids: list[int] | None = None):
    """What the strategy pass reads (:class:`klynge.strategy.StrategyInput`): the members in ``ids``
    (all when None) and the packages, without anything private."""
    from ..strategy import strategy_input

    packages = [(rev.organisation_id, rev.document, package) for package, rev in store.packages(who)]
    return strategy_input(load_cluster(store, who), load_members(store, who, ids), packages)


def cluster_findings(ids: list[int] | None = None, settings=None) -> list:
    """The cluster's findings (:func:`klynge.strategy.findings`) over the members in ``ids``, for a report to render.

    ``settings`` are :class:`klynge.strategy.StrategySettings`; when None, the defaults with the
    target mix and economics figures of the cluster's plan (``store.cluster_plan``).
    """
    from ..strategy import StrategySettings, findings

    _, store, who = _context()
    if settings is None:
        settings = StrategySettings.from_plan(store.cluster_plan(who).value)
    return findings(strategy_data(store, who, ids), settings)


def write_findings(path: str | Path, found: list, fingerprint: str | None = None) -> Path:
    """Write the findings as JSON (:func:`klynge.strategy.findings_json`): the same bytes for the same data."""
    from ..strategy import findings_json

    return write_bytes(path, findings_json(found, fingerprint).encode("utf-8"))


def member_report(organisation_id: int, lang: str = "nb", analysis_json: str = ANALYSIS,
                  cluster_json: str = "", output_dir: str = ".") -> dict:
    """One member's report as ``output_dir/report.html``.

    The member's data is read again (the report shows the notes it shares with the cluster), its
    figures come from ``analysis_json``, its place in the cluster from ``cluster_json``
    (left out when empty).

    Returns
    -------
    dict
        ``member``, ``fingerprint`` (the member's data), ``cluster_fingerprint`` and ``path``.
    """
    from ..canvases import default_registry
    from ..report.pages import member_report_html

    settings, store, who = _context()
    member = load_member(store, who, organisation_id)
    analysis = read_json(analysis_json)
    cluster = read_json(cluster_json) if cluster_json else None
    fingerprint = member_fingerprint(member)
    stamp = fingerprint + (f" · {cluster['fingerprint']}" if cluster else "")
    template = default_registry(settings.template_dirs).get("business_model")
    appendix = []
    findings_path = Path(cluster_json).parent / FINDINGS_JSON if cluster_json else None
    if findings_path is not None and findings_path.is_file():
        from ..report.strategy import member_options_section

        appendix.append(member_options_section(read_json(findings_path), organisation_id, _member_names(cluster), lang,
                                               recorded_decisions(store, who, lang, organisation_id)))
    page = member_report_html(member, analysis, cluster, template, lang, stamp, appendix)
    path = write_bytes(Path(output_dir) / REPORT, page.encode("utf-8"))
    return {"member": organisation_id, "fingerprint": fingerprint,
            "cluster_fingerprint": cluster["fingerprint"] if cluster else None, "path": str(path)}


def brief(result: dict) -> str:
    """A one-line account of a step's result, for the executed notebook."""
    if "member" in result and isinstance(result["member"], dict):
        m = result["member"]
        year = ", ".join(f"{sum(result['monthly'][f'capacity_{u}'])} {u}" for u in ("beds", "seats", "guests")
                         if sum(result['monthly'].get(f'capacity_{u}', ())))
        return (f"{m['name']} (id {m['id']}): {year or 'no capacity'} a year (in unit-days), "
                f"{result['low_season']['member_share']:.0%} in the low season; fingerprint {result['fingerprint']}")
    if "cluster" in result:
        c = result["cluster"]
        return f"{c['name']}: {c['members']} members; fingerprint {result['fingerprint']}"
    return f"report for member {result['member']}: {result['path']}; fingerprint {result['fingerprint']}"
