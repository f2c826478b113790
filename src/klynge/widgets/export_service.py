"""What the "Posters and files" page may make: one person's files, read through the store.

The page is handed an :class:`ExportService` and never sees the store or the identity. Every
file is made from what the store gives this person: the store leaves out notes and
assessments the caller may not see, so a member's own exports carry their private notes and
a poster of another member's canvas carries only what that member shares with the cluster.
Files are returned as bytes (:class:`ExportFile`) for the page to send as a download; none is
written to disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .. import reference
from ..analysis.member import sdg_entries, sdg_profile
from ..canvases import CanvasTemplate, Registry, default_registry
from ..errors import KlyngeError, NotFound
from ..i18n import t
from ..model import Organisation
from ..progress import CANVASES
from ..report import figures as fg
from ..report import poster as ps
from ..report.summary import summary_pdf
from ..store import Identity, Store
from .download import safe_filename

__all__ = ["EXPORT_SCHEMA", "EXPORT_VERSION", "ExportFile", "ExportService", "Member"]

#: Names the JSON export's format; the version goes up when a field changes meaning or goes away.
EXPORT_SCHEMA = "klynge.member-export"
EXPORT_VERSION = 1

_MIME = {"png": "image/png", "pdf": "application/pdf", "json": "application/json"}


@dataclass(frozen=True)
class ExportFile:
    """A file made for a download: its name, its bytes and its type."""

    filename: str
    data: bytes
    mime: str


@dataclass(frozen=True)
class Member:
    """Another organisation of the cluster, as the member picker lists it."""

    id: int
    name: str


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class ExportService:
    """One person's exports of their own organisation, and posters of other members' canvases.

    Parameters
    ----------
    store
        The store; every read names ``who``, and the store checks the access rules.
    who
        The signed-in person, as the server established it (never from the browser).
    organisation_id
        The person's own organisation.
    registry
        Where canvas templates are found; the shared default registry when not given.
    outputs
        The batch's outputs folder, where the organisation's report from the facilitator's
        batch lies once it is made; None when the app has none.
    """

    def __init__(self, store: Store, who: Identity, organisation_id: int, *, registry: Registry | None = None,
                 outputs: str | Path | None = None):
        self._store = store
        self._who = who
        self._organisation_id = int(organisation_id)
        self._registry = registry or default_registry()
        self._outputs = Path(outputs).resolve() if outputs else None

    # -- what there is --------------------------------------------------------------------
    def canvases(self) -> list[CanvasTemplate]:
        """Canvas templates in the programme's order, then any a facilitator added."""
        found = {tpl.id: tpl for tpl in self._registry.canvases()}
        return [found[i] for i in CANVASES if i in found] + [tpl for i, tpl in found.items() if i not in CANVASES]

    def canvas_title(self, template: CanvasTemplate, lang: str) -> str:
        key = f"canvas.{template.id}"
        text = t(key, lang)
        return template.title_in(lang) if text == key else text

    def organisation(self, organisation_id: int | None = None) -> Organisation:
        return self._store.organisation(self._who, organisation_id or self._organisation_id).value

    def members(self) -> list[Member]:
        """The other organisations of the person's cluster, by name."""
        return [Member(o.id, o.name) for o in self._store.organisations(self._who)
                if o.id is not None and o.id != self._organisation_id]

    # -- files ----------------------------------------------------------------------------
    def report_made(self) -> datetime | None:
        """When the organisation's report from the facilitator's batch was made; None when there is none."""
        path = self._report_path()
        return datetime.fromtimestamp(path.stat().st_mtime, UTC) if path is not None else None

    def report(self, lang: str) -> ExportFile:
        """The organisation's own report from the facilitator's batch (HTML, in the batch's language).

        Only the person's own organisation's report: the folder is picked by the organisation
        the server signed them in for, never by anything the browser sends.
        """
        path = self._report_path()
        if path is None:
            raise NotFound("no report has been made for this organisation yet")
        self.organisation()  # the store checks again that this person may read it
        name = self.organisation().name
        return ExportFile(safe_filename(f"{name} - {t('exports.report', lang)}.html"), path.read_bytes(), "text/html")

    def _report_path(self) -> Path | None:
        if self._outputs is None:
            return None
        from ..batch.layout import report_dir

        path = report_dir(self._outputs, self._organisation_id) / "report.html"
        return path if path.is_file() and self._outputs in path.resolve().parents else None

    def poster(self, template_id: str, fmt: str, lang: str, organisation_id: int | None = None) -> ExportFile:
        """A canvas as an A3 poster, ``fmt`` ``png`` or ``pdf``; another member's when ``organisation_id`` is given.

        The notes are read with the person's identity: private notes of another member never
        reach the poster.
        """
        if fmt not in ("png", "pdf"):
            raise NotFound(f"posters are PNG or PDF, not {fmt!r}")
        template = self._registry.get(template_id)
        if not isinstance(template, CanvasTemplate):
            raise NotFound(f"{template_id} is not a canvas")
        oid = organisation_id or self._organisation_id
        org = self.organisation(oid)
        doc, rev = self._store.canvas(self._who, oid, template.id)
        notes = {b.id: doc.in_block(b.id) for b in template.blocks}
        title = template.title_in(lang)
        fig = ps.canvas_figure(template, notes, lang, organisation=org.name, title=title, made=date.today(),
                               revision=rev.number)
        meta = {"Title": f"{org.name}: {title}", "Author": org.name,
                "Copyright": f"{template.credits} ({template.licence})"}
        text = ps.poster_text(template, notes, lang, organisation=org.name, title=title)
        if fmt == "png":
            data = ps.png_bytes(fig, {**meta, "Description": text})
        else:
            data = ps.pdf_bytes(fig, {"Title": meta["Title"], "Author": org.name, "Subject": text})
        return ExportFile(safe_filename(f"{org.name} - {title}.{fmt}"), data, _MIME[fmt])

    def sdg_png(self, lang: str) -> ExportFile:
        """The organisation's SDG profile: one bar per goal."""
        org = self.organisation()
        assessment, _rev = self._store.sdg(self._who, self._organisation_id)
        profile = sdg_profile(sdg_entries(assessment))
        title = f"{org.name}: {t('batch.sdg_profile', lang)}"
        fig = fg.sdg_profile_figure(profile["score"].tolist(), profile["positive"].tolist(),
                                    profile["negative"].tolist(), reference.goals(), lang, title)
        data = ps.png_bytes(fig, {"Title": title, "Author": org.name}, dpi=200)
        return ExportFile(safe_filename(f"{org.name} - {t('exports.sdg', lang)}.png"), data, _MIME["png"])

    def summary_pdf(self, lang: str) -> ExportFile:
        """The organisation on one A4 page (PDF)."""
        who, oid = self._who, self._organisation_id
        org = self.organisation()
        offers = [o.value for o in self._store.offers(who, oid)]
        template = self._registry.get("business_model")
        canvas, _rev = self._store.canvas(who, oid, "business_model")
        assessment, _rev = self._store.sdg(who, oid)
        score = sdg_profile(sdg_entries(assessment))["score"].tolist()
        try:
            cluster = self._store.cluster(who).name
        except KlyngeError:
            cluster = ""
        data = summary_pdf(org, offers, canvas, template, score, lang, made=date.today(), cluster=cluster)
        return ExportFile(safe_filename(f"{org.name} - {t('exports.summary', lang)}.pdf"), data, _MIME["pdf"])

    def rights(self):
        """The signed-in person's own record, for the page's "My data" section (a :class:`RightsService`)."""
        from .rights_service import RightsService

        return RightsService(self._store, self._who)

    def json_export(self) -> ExportFile:
        """Everything of the organisation as one pretty UTF-8 JSON file."""
        data = json.dumps(self.member_data(), ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
        name = self.organisation().name
        return ExportFile(safe_filename(f"{name} - klynge.json"), data + b"\n", _MIME["json"])

    def member_data(self) -> dict:
        """The JSON export as a dict: organisation, offers, canvases, SDG assessment, packages."""
        who, oid, store = self._who, self._organisation_id, self._store
        org = store.organisation(who, oid)
        canvases = []
        for template in self._registry.canvases():
            doc, rev = store.canvas(who, oid, template.id)
            canvases.append({
                "template": template.id, "title": template.title.model_dump(), "revision": rev.number,
                "saved_at": _iso(rev.saved_at),
                "revisions": [{"revision": r.number, "saved_at": _iso(r.saved_at), "saved_by": r.author,
                               "restored_from": r.restored_from}
                              for r in store.history(who, "canvas", oid, template.id)],
                "credits": template.credits, "licence": template.licence,
                "notes": [n.model_dump(mode="json") for n in doc.notes]})
        assessment, sdg_rev = store.sdg(who, oid)
        packages = []
        for package, rev in store.packages(who):
            mine = rev.organisation_id == oid
            if mine or any(c.organisation_id == oid for c in package.components):
                packages.append({"id": rev.document, "owner_organisation_id": rev.organisation_id,
                                 "role": "owner" if mine else "partner", "revision": rev.number,
                                 "saved_at": _iso(rev.saved_at), **package.model_dump(mode="json")})
        return {
            "schema": EXPORT_SCHEMA, "version": EXPORT_VERSION,
            "exported_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "organisation": {**org.value.model_dump(mode="json"), "version": org.version},
            "offers": [{**o.value.model_dump(mode="json"), "version": o.version} for o in store.offers(who, oid)],
            "canvases": canvases,
            "sdg": {"revision": sdg_rev.number, "saved_at": _iso(sdg_rev.saved_at),
                    "entries": [e.model_dump(mode="json") for e in assessment.entries]},
            "packages": packages,
        }
