"""The batch's pages: a member's report and the cluster summary, as self-contained HTML.

They render what :mod:`klynge.analysis` computed; they compute nothing themselves beyond
picking rows to show. Text comes from the catalogues in ``lang``; the pieces come from
:mod:`klynge.report.html`, whose templates escape every value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .. import reference
from ..canvases import default_registry
from ..errors import KlyngeError, NotFound
from ..formatting import number, percent
from ..i18n import t
from ..model.offer import CAPACITY_UNITS as UNITS
from . import figures as fg
from .gaps import gaps_section
from .html import bullet_notes, details, figure, page, paragraph, section, table
from .offer_text import capacity_unit_text, price_text

__all__ = ["HEAT_ROWS", "cluster_summary_html", "member_report_html"]

#: Members drawn in the SDG heat map at most (all of them are in its rows).
HEAT_ROWS = 60


def _capacity_column(unit: str) -> str:
    """The column of a member's monthly figures that holds capacity in ``unit`` (``klynge.analysis.member``'s name)."""
    return f"capacity_{unit}"


def _place(code: str | None) -> str:
    if not code:
        return ""
    try:
        return f"{reference.municipality(code).name} ({code})"
    except NotFound:
        return str(code)


def _word(group: str, value: str, lang: str) -> str:
    """A code (``sector``, ``size``, ``phase``, ``trend``, ``offer`` kind) in ``lang``; the code when unknown."""
    key = f"batch.{group}.{value}"
    text = t(key, lang)
    return value if text == key else text


def _label(key: str, value: str, lang: str) -> str:
    """A member-count category as people read it: a kind in ``lang``, a place by name."""
    if key == "by_municipality":
        return _place(value)
    if key == "by_area":
        names = {a.id: a.name for a in reference.areas()}
        return names.get(value, value)
    if key == "by_kind":
        text = t(f"kind.{value}", lang)
        return value if text == f"kind.{value}" else text
    return value


def _months(numbers: Sequence[int], lang: str) -> str:
    names = fg.months(lang)
    return ", ".join(names[m - 1] for m in numbers) or "-"


def _pct(value: float, lang: str, digits: int = 0, sign: bool = False) -> str:
    return percent(value, lang, digits, sign)


def _template_name(template_id: str, lang: str) -> str:
    """A canvas template's title in ``lang`` ("Business Model Canvas"), from the registry; the id if unknown."""
    try:
        return default_registry().get(template_id).title_in(lang)
    except KlyngeError:
        return template_id


def _shares(rows: Sequence[Mapping], columns: Sequence[str], lang: str, digits: int = 1) -> list[dict]:
    """``rows`` with the shares in ``columns`` written as percentages in ``lang``."""
    return [{k: (_pct(v, lang, digits) if k in columns and isinstance(v, (int, float)) else v)
             for k, v in r.items()} for r in rows]


def _price(offer, lang: str) -> str:
    """An offer's price in its currency and unit ("450 NOK per night for 2"), with or without VAT as given."""
    return "" if offer is None else price_text(offer, lang)


def _monthly(m: Mapping, lang: str, title: str, rows: Sequence[Mapping], demand=None) -> str:
    capacity = {u: m[_capacity_column(u)] for u in UNITS}
    fig = fg.monthly_figure(m["open_offers"], capacity, demand, m["low"], lang, title)
    caption = f"{t('batch.monthly_caption', lang)} {t('batch.capacity_units', lang)}"
    return figure(fg.png(fig), t("batch.monthly", lang), caption, rows, lang=lang)


def _unit_columns(rows: Sequence[Mapping], lang: str) -> dict[str, str]:
    """Labels of the per-unit columns (capacity, share, gap) that ``rows`` hold, in ``lang``."""
    present = set(rows[0]) if rows else set()
    labels = {}
    for unit in UNITS:
        for column, key in ((_capacity_column(unit), "capacity_month"), (f"share_{unit}", "share"),
                            (f"gap_{unit}", "gap")):
            if column in present:
                labels[column] = t(f"unit.{key}.{unit}", lang)
    return labels


def member_report_html(member, analysis: Mapping, cluster: Mapping | None, template, lang: str,
                       fingerprint: str, appendix: Sequence = ()) -> str:
    """One member's report: profile, offers, low season, canvas poster, SDG profile, place in the cluster.

    Parameters
    ----------
    member
        The member's :class:`klynge.batch.data.MemberData`: what it shares with the cluster, as
        facilitators may download the report (a private note given here would be shown, marked).
    analysis
        The member's figures (:func:`klynge.analysis.member.member_figures`).
    cluster
        The cluster's picture (:func:`klynge.analysis.cluster.cluster_picture`), or None.
    template
        The business-model canvas template, for the poster.
    fingerprint
        The fingerprint printed on the page.
    """
    org = member.organisation
    profile = [
        {"k": t("field.kind", lang), "v": _label("by_kind", org.kind, lang)},
        {"k": t("field.sector", lang), "v": _word("sector", org.sector, lang)},
        {"k": t("field.country", lang), "v": org.country},
        {"k": t("field.municipality", lang), "v": _place(org.municipality)},
        {"k": t("batch.area", lang), "v": _label("by_area", analysis["member"].get("area") or "-", lang)},
        {"k": t("field.size", lang), "v": _word("size", org.size, lang)},
        {"k": t("field.phase", lang), "v": _word("phase", org.phase, lang)},
        {"k": t("field.subclusters", lang),
         "v": [((cluster or {}).get("cluster", {}).get("subclusters") or {}).get(x, x) for x in org.subclusters]},
        {"k": t("field.certifications", lang), "v": list(org.certifications)},
        {"k": t("field.description", lang), "v": org.description},
        {"k": t("field.needs", lang), "v": org.needs},
    ]
    parts = [section(t("batch.profile", lang), table(profile, ["k", "v"], header=False, lang=lang))]

    offers = analysis["rows"]["offers"]
    by_id = {o.id: o for o in getattr(member, "offers", ())}
    offer_rows = [{"title": o["title"], "kind": _word("offer", o["kind"], lang), "months": _months(o["months"], lang),
                   "capacity_per_day": f"{number(o['capacity_per_day'], lang)} "
                                       f"{capacity_unit_text(o.get('capacity_unit') or o['kind'], lang)}",
                   "price": _price(by_id.get(o["offer_id"]), lang), "trend": _word("trend", o["trend"], lang)}
                  for o in offers]
    labels = {c: t(f"field.{c}", lang) for c in ("title", "kind", "months", "capacity_per_day", "price", "trend")}
    season = analysis["low_season"]
    season_rows = [
        {"k": t("batch.low_months", lang), "v": _months(season["months"], lang)},
        {"k": t("batch.low_share", lang), "v": _pct(season["member_share"], lang)},
        *({"k": f"{t('batch.low_share', lang)}: {capacity_unit_text(unit, lang)}", "v": _pct(share, lang)}
          for unit, share in season.get("by_unit", {}).items()),
        {"k": t("batch.area_share", lang), "v": _pct(season["area_share"], lang)},
        {"k": t("batch.idle_months", lang), "v": _months(season["idle_months"], lang)},
    ]
    parts.append(section(
        t("batch.offers", lang),
        table(offer_rows, labels=labels, lang=lang) or paragraph(t("batch.no_data", lang)),
        _monthly(analysis["monthly"], lang, org.name, analysis["rows"]["offer_months"],
                 analysis["monthly"]["area_share"]),
        table(season_rows, ["k", "v"], header=False, lang=lang)))

    doc = member.canvases.get(template.id)
    notes = {b.id: [n.text for n in doc.in_block(b.id) if n.text.strip()] for b in template.blocks} if doc else {}
    poster = fg.png(fg.canvas_poster(template, notes, lang, f"{template.title_in(lang)}: {org.name}"))
    blocks = [
        section(b.title_in(lang), bullet_notes(((n.text, n.visibility == "private") for n in doc.in_block(b.id)
                                                 if n.text.strip()), lang), level=3)
        for b in template.blocks if doc and doc.in_block(b.id)]
    completeness = [{"template": _template_name(c["template"], lang), "filled": f"{c['filled']}/{c['blocks']}",
                     "notes": c["notes"]} for c in analysis["canvas"]]
    parts.append(section(
        t("batch.canvas", lang), figure(poster, template.title_in(lang), t("batch.poster_caption", lang)),
        details(t("batch.canvas_text", lang), blocks),
        table(completeness, labels={"template": t("field.template", lang), "filled": t("batch.completeness", lang),
                                    "notes": t("field.notes", lang)}, lang=lang)))

    goals = reference.goals()
    sdg = analysis["sdg"]
    sdg_fig = fg.png(fg.sdg_profile_figure(sdg["score"], sdg["positive"], sdg["negative"], goals, lang))
    sdg_rows = [{"target": r["target"], "relevance": r["relevance"], "impact": r["impact"],
                 "visibility": r["visibility"]} for r in analysis["rows"]["sdg"]]
    parts.append(section(t("batch.sdg_profile", lang),
                         figure(sdg_fig, t("batch.sdg_profile", lang), t("batch.sdg_caption", lang), sdg_rows,
                                lang=lang)))

    if cluster is not None:
        parts.append(section(t("batch.place_in_cluster", lang), *_place_in_cluster(analysis, cluster, lang)))
    title = t("batch.report_title", lang, name=org.name)
    parts += appendix  # e.g. what the strategy's options mean for this member
    return page(title, lang, parts, fingerprint)


def _place_in_cluster(analysis: Mapping, cluster: Mapping, lang: str) -> list[str]:
    me = analysis["member"]["id"]
    positions = cluster["positions"]
    shares = [p["low_share"] for p in positions]
    mine = next((p for p in positions if p["id"] == me), None)
    parts = []
    if mine is not None:
        fig = fg.position_figure(shares, mine["low_share"], lang, t("batch.low_share", lang),
                                 analysis["member"]["name"])
        rank = 1 + sum(p["low_share"] > mine["low_share"] for p in positions)
        parts.append(figure(fg.png(fig), t("batch.low_share", lang),
                            t("batch.position_caption", lang, rank=rank, n=len(positions)),
                            _shares(positions, ("low_share", "area_share"), lang), lang=lang))
    words = []
    for block, part in cluster["common"].items():
        mine_terms = [r["term"] for r in part["data"] if me in r["ids"]]
        if mine_terms:
            words.append({"k": t(f"batch.common.{block}", lang), "v": ", ".join(mine_terms)})
    if words:
        parts.append(paragraph(t("batch.shared_terms", lang)))
        parts.append(table(words, ["k", "v"], header=False, lang=lang))
    # The cluster's months as a table, not a second chart: the cluster summary has the chart.
    names = fg.months(lang)
    data = cluster["low_season_gaps"]["data"]
    gap_columns = [f"gap_{u}" for u in UNITS if data and f"gap_{u}" in data[0]]
    gaps = [{"month": names[g["month"] - 1], "open_offers": g["open_offers"],
             **{c: _pct(g[c], lang, 1, sign=True) for c in gap_columns}, "idle_members": g["idle_members"]}
            for g in data]
    labels = {"month": t("batch.month", lang), "open_offers": t("batch.open_offers", lang),
              **{c: v for c, v in _unit_columns(data, lang).items() if c in gap_columns},
              "idle_members": t("batch.idle_members", lang)}
    if gaps:
        parts.append(section(t("batch.gaps", lang), paragraph(t("batch.gaps_note", lang)),
                             table(gaps, labels=labels, lang=lang), level=3))
    return parts


def cluster_summary_html(picture: Mapping, lang: str, fingerprint: str, excluded: Sequence[Mapping] = (),
                         lead: Sequence = (), appendix: Sequence = ()) -> str:
    """The cluster's first picture: members, months and gaps, SDGs, common words; rows under each figure.

    Parameters
    ----------
    picture
        :func:`klynge.analysis.cluster.cluster_picture`'s result.
    excluded
        Members left out (their analysis failed), rows with ``name`` and ``reason``.
    lead, appendix
        Sections (escaped HTML) before the picture and after it: the findings and their options,
        and how they were concluded.
    """
    parts = list(lead)
    members = picture["members"]
    figs = []
    for key in ("by_kind", "by_area", "by_municipality", "by_subcluster"):
        data = members[key]["data"]
        values = [_label(key, d["value"], lang) for d in data]
        fig = fg.counts_figure(values, [d["members"] for d in data], lang, t(f"batch.{key}", lang))
        figs.append(figure(fg.png(fig), t(f"batch.{key}", lang), "", members["rows"], lang=lang))
    parts.append(section(t("batch.members_section", lang, n=picture["cluster"]["members"]), *figs))

    monthly = picture["monthly"]
    data = picture["low_season_gaps"]["data"]
    share_columns = ("demand", *(f"share_{u}" for u in UNITS))
    gaps = [{**g, "month": fg.months(lang)[g["month"] - 1],
             **{f"gap_{u}": _pct(g[f"gap_{u}"], lang, 1, sign=True) for u in UNITS if f"gap_{u}" in g}}
            for g in _shares(data, share_columns, lang)]
    # per unit, in the order capacity, share, gap: beds, seats and guests are never one column
    gap_labels = {"month": t("batch.month", lang), "open_offers": t("batch.open_offers", lang),
                  **_unit_columns(data, lang), "demand": t("batch.demand_share", lang),
                  "idle_members": t("batch.idle_members", lang), "idle_names": t("batch.members", lang)}
    parts.append(section(t("batch.monthly", lang),
                         _monthly(monthly["data"], lang, t("batch.cluster_monthly", lang), monthly["rows"],
                                  monthly["data"]["demand"]),
                         section(t("batch.gaps", lang), paragraph(t("batch.gaps_note", lang)),
                                 table(gaps, list(gap_labels), labels=gap_labels, lang=lang), level=3)))

    if picture.get("gaps"):  # the low-season gap finder (report/gaps.py)
        parts.append(gaps_section(picture["gaps"], lang))

    heat = picture["sdg_heatmap"]
    goals = reference.goals()
    # A row per member stays readable up to a few dozen: beyond, the members with most at stake.
    order = sorted(range(len(heat["members"])), key=lambda i: (-sum(map(abs, heat["scores"][i])), i))[:HEAT_ROWS]
    order.sort()
    heat_fig = fg.png(fg.sdg_heatmap([heat["members"][i] for i in order], [heat["scores"][i] for i in order],
                                     goals, lang))
    heat_caption = t("batch.heatmap_caption", lang)
    if len(order) < len(heat["members"]):
        heat_caption += " " + t("batch.heatmap_cap", lang, shown=len(order), n=len(heat["members"]))
    names = {g.number: f"{g.number} {g.short.get(lang)}" for g in goals}
    harm = [{**r, "goal": names[r["goal"]]} for r in picture["good_and_harm"]["data"] if r["good"] or r["harm"]]
    harm_labels = {"goal": t("batch.goal", lang), "good": t("batch.good", lang), "harm": t("batch.harm", lang),
                   "good_names": t("batch.good_names", lang), "harm_names": t("batch.harm_names", lang)}
    parts.append(section(t("batch.heatmap", lang),
                         figure(heat_fig, t("batch.heatmap", lang), heat_caption, heat["rows"], lang=lang),
                         section(t("batch.good_harm", lang), table(harm, labels=harm_labels, lang=lang)
                                 or paragraph(t("batch.no_data", lang)),
                                 details(t("batch.rows", lang, n=len(picture["good_and_harm"]["rows"])),
                                         table(picture["good_and_harm"]["rows"], lang=lang)), level=3)))

    common = []
    for block, part in picture["common"].items():
        labels = {"term": t("batch.term", lang), "members": t("batch.members", lang), "names": t("batch.names", lang)}
        body = table(part["data"], ["term", "members", "names"], labels=labels, limit=40, lang=lang) \
            or paragraph(t("batch.no_common", lang))
        common.append(section(t(f"batch.common.{block}", lang), body,
                              details(t("batch.rows", lang, n=len(part["rows"])), table(part["rows"], lang=lang)),
                              level=3))
    parts.append(section(t("batch.common_section", lang), *common))
    if excluded:
        # The runner says why in its log; the reader gets the member and the reason in their language.
        rows = [{"name": e.get("name", ""), "reason": t("batch.excluded_reason", lang)} for e in excluded]
        parts.append(section(t("batch.excluded", lang), table(rows, ["name", "reason"], lang=lang, labels={
            "name": t("batch.member", lang), "reason": t("batch.excluded_why", lang)})))
    parts += appendix
    title = t("batch.cluster_title", lang, name=picture["cluster"]["name"])
    return page(title, lang, parts, fingerprint)
