"""The "Posters and files" page without a browser: a real SQLite store, real files, real access rules."""

from __future__ import annotations

import io
import json
import logging
from decimal import Decimal

import ipywidgets as w
import pytest
from PIL import Image

from klynge.canvases import default_registry
from klynge.i18n import t
from klynge.model import Money, Note, Offer, Package, PackageComponent, SdgEntry
from klynge.store import Identity
from klynge.widgets.export_service import EXPORT_SCHEMA, ExportService
from klynge.widgets.exports_page import ExportsPage

from ..report import pdf_pages, pdf_text

SHARED = "Musk ox safari with the bus from Oppdal station"
PRIVATE = "Secret price for the bank 700 NOK"
HOSTILE = "<img src=x onerror=alert(1)> $x^{2}$"


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: exports read through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.fixture
def member(store, cluster):
    """`fjell` with a canvas (one private note), an offer, an SDG map and two packages; `gard` has an offer."""
    who, orgs = cluster["who"], cluster["orgs"]
    a = who["fjell"]
    store.save_canvas(a, orgs["fjell"], "business_model", [
        Note(id="n1", block="value_propositions", text=SHARED),
        Note(id="n2", block="cost_structure", text=PRIVATE, visibility="private"),
        Note(id="n3", block="channels", text=HOSTILE)], None)
    store.save_canvas(a, orgs["fjell"], "environmental_layer", [Note(id="e1", block="materials", text="Wool")], None)
    price = Money(amount=Decimal("895"), currency="NOK")
    mine = store.add_offer(a, Offer(title="Musk ox safari", kind="activity", municipality="5021", months=[9, 10],
                                    capacity_per_day=12, price=price))
    theirs = store.add_offer(who["gard"], Offer(title="Farm dinner", kind="meal", municipality="5014",
                                                months=[10], capacity_per_day=20, price=price))
    store.save_sdg(a, orgs["fjell"], [SdgEntry(target="8.9", relevance=3, impact=2),
                                      SdgEntry(target="12.b", relevance=2, impact=1, visibility="private")], None)
    store.save_package(a, orgs["fjell"], Package(title="Autumn safari weekend", components=[
        PackageComponent(offer_id=mine, organisation_id=orgs["fjell"])]), None)
    store.save_package(who["gard"], orgs["gard"], Package(title="Harvest and musk ox", components=[
        PackageComponent(offer_id=theirs, organisation_id=orgs["gard"]),
        PackageComponent(offer_id=mine, organisation_id=orgs["fjell"], day=2)]), None)
    return cluster


def service(store, cluster, who="fjell", org=None):
    person = cluster["who"][who]
    return ExportService(store, person, org if org is not None else cluster["orgs"][who])


def png_text(data: bytes) -> dict:
    image = Image.open(io.BytesIO(data))
    image.verify()
    return Image.open(io.BytesIO(data)).text


def sent_files(page) -> list[tuple[dict, list]]:
    """What the page's download widget sends to the browser."""
    sent = []
    page._download.send = lambda content, buffers=None: sent.append((content, buffers))
    return sent


def button(page, cls: str) -> w.Button:
    found = [b for b in page._buttons if cls in b._dom_classes]
    assert len(found) == 1, cls
    return found[0]


def test_the_json_export_holds_everything_of_the_member(store, member):
    made = service(store, member).json_export()
    assert made.mime == "application/json" and made.filename.endswith(".json")
    assert made.data.decode("utf-8").startswith('{\n  "schema"')  # UTF-8, pretty
    data = json.loads(made.data)
    assert data["schema"] == EXPORT_SCHEMA and data["version"] == 1
    assert data["organisation"]["name"] == "Fjellguidene" and data["organisation"]["version"] == 1
    assert [o["title"] for o in data["offers"]] == ["Musk ox safari"]
    assert data["offers"][0]["price"]["currency"] == "NOK" and data["offers"][0]["version"] == 1
    canvases = {c["template"]: c for c in data["canvases"]}
    assert set(canvases) == {tpl.id for tpl in default_registry().canvases()}
    bmc = canvases["business_model"]
    assert bmc["revision"] == 1 and [r["revision"] for r in bmc["revisions"]] == [1]
    assert {n["text"] for n in bmc["notes"]} == {SHARED, PRIVATE, HOSTILE}
    assert {n["id"]: n["visibility"] for n in bmc["notes"]}["n2"] == "private"
    assert bmc["licence"] == "CC BY-SA 3.0" and "Strategyzer" in bmc["credits"]
    assert canvases["environmental_layer"]["notes"][0]["text"] == "Wool"
    assert canvases["social_layer"] == {**canvases["social_layer"], "revision": 0, "notes": []}
    assert {e["target"] for e in data["sdg"]["entries"]} == {"8.9", "12.b"} and data["sdg"]["revision"] == 1
    assert {(p["title"], p["role"]) for p in data["packages"]} == {("Autumn safari weekend", "owner"),
                                                                   ("Harvest and musk ox", "partner")}


def test_private_notes_reach_only_the_members_own_posters(store, member):
    a = member["orgs"]["fjell"]
    own = service(store, member).poster("business_model", "png", "en")
    described = png_text(own.data)["Description"]
    assert PRIVATE in described and SHARED in described

    theirs = service(store, member, "gard")
    for fmt in ("png", "pdf"):
        made = theirs.poster("business_model", fmt, "en", organisation_id=a)
        assert PRIVATE.encode() not in made.data
        text = " ".join((png_text(made.data)["Description"] if fmt == "png" else pdf_text(made.data)).split())
        assert SHARED in text and PRIVATE not in text and "Secret" not in text
    own_pdf = " ".join(pdf_text(service(store, member).poster("business_model", "pdf", "en").data).split())
    assert PRIVATE in own_pdf
    assert "Fjellguidene" not in service(store, member, "gard").json_export().data.decode()  # B's JSON: B's only


def test_the_sdg_profile_and_the_summary(store, member):
    svc = service(store, member)
    sdg = svc.sdg_png("nb")
    assert sdg.mime == "image/png" and png_text(sdg.data)["Title"].startswith("Fjellguidene")
    summary = svc.summary_pdf("en")
    assert summary.mime == "application/pdf" and summary.data.startswith(b"%PDF")
    assert len(pdf_pages(summary.data)) == 1 and pdf_pages(summary.data)[0] == pytest.approx((595.28, 841.89), abs=0.5)
    text = pdf_text(summary.data)
    assert "Fjellguidene" in text and "Musk ox safari" in text and SHARED in text and "Nysesong" in text


def test_the_page_makes_a_poster_sends_it_and_shows_a_preview(store, member):
    page = ExportsPage(service(store, member))
    page.lang = "en"
    sent = sent_files(page)
    png = button(page, "klynge-exports-own-business_model-png")
    assert png.description == t("exports.download", "en", format="PNG")
    png.click()
    assert len(sent) == 1
    message, buffers = sent[0]
    assert message["type"] == "download" and message["mime"] == "image/png"
    assert message["filename"] == "Fjellguidene - Business Model Canvas.png"
    assert PRIVATE in png_text(buffers[0])["Description"]
    assert page.last.data == buffers[0]
    assert t("exports.ready", "en", file=message["filename"]) in page.status("poster-business_model")
    preview = page._previews["poster-business_model"].value
    assert preview.startswith('<img src="data:image/png;base64,')
    assert f'alt="{t("exports.preview", "en", file="Business model: poster")}"' in preview
    assert not any(b.disabled for b in page._buttons if b is not button(page, "klynge-exports-own-report-html"))
    for key, mime in (("summary-pdf", "application/pdf"), ("sdg-png", "image/png"), ("json-json", "application/json")):
        button(page, f"klynge-exports-own-{key}").click()
        assert sent[-1][0]["mime"] == mime
    assert len(sent) == 4


def test_a_member_downloads_another_members_posters_without_their_private_notes(store, member):
    page = ExportsPage(service(store, member, "gard"))
    sent = sent_files(page)
    names = [label for label, _id in page._member.options]
    assert "Fjellguidene" in names and "Gardsbutikken" not in names
    page.choose_member(member["orgs"]["fjell"])
    assert "Fjellguidene" in "".join(text.value for text, _row in page._texts)
    button(page, "klynge-exports-other-business_model-png").click()
    described = png_text(sent[-1][1][0])["Description"]
    assert SHARED in described and PRIVATE not in described
    assert sent[-1][0]["filename"].startswith("Fjellguidene")


def test_a_file_that_cannot_be_made_gives_a_friendly_line_and_a_log(store, member, caplog):
    page = ExportsPage(ExportService(store, member["who"]["fjell"], 99_999))  # no such organisation
    sent = sent_files(page)
    with caplog.at_level(logging.ERROR, logger="klynge"):
        button(page, "klynge-exports-own-business_model-pdf").click()
    assert sent == [] and page.last is None
    name = t("exports.poster", "nb", canvas=t("canvas.business_model", "nb"))
    line = page.status("poster-business_model")
    assert t("exports.failed", "nb", file=name) in line.replace("&#39;", "'")
    assert "Traceback" not in line and "NotFound" not in line
    assert any("could not be made" in r.getMessage() for r in caplog.records)
    assert not any(b.disabled for b in page._buttons if b is not button(page, "klynge-exports-own-report-html"))


def test_labels_follow_the_language_and_typed_names_are_escaped(store, member):
    org = store.organisation(Identity.system(), member["orgs"]["fjell"])
    store.update_organisation(Identity.system(), org.value.model_copy(update={"name": "Fjell <b>guidene</b>"}),
                              org.version)
    page = ExportsPage(service(store, member, "gard"))
    page.choose_member(member["orgs"]["fjell"])
    for lang in ("nb", "sv", "en"):
        page.lang = lang
        assert t("exports.intro", lang) in page._head.value
        assert button(page, "klynge-exports-other-value_proposition-pdf").description == t(
            "exports.download", lang, format="PDF")
        html = "".join(text.value for text, _row in page._texts)
        assert "Fjell &lt;b&gt;guidene&lt;/b&gt;" in html and "<b>guidene" not in html
        assert t("exports.poster", lang, canvas=t("canvas.social_layer", lang)) in html


def test_the_member_downloads_their_own_report_once_the_batch_has_made_it(store, member, tmp_path):
    outputs = tmp_path / "outputs"
    fjell, gard = member["orgs"]["fjell"], member["orgs"]["gard"]
    page = ExportsPage(ExportService(store, member["who"]["fjell"], fjell, outputs=outputs))
    page.lang = "en"
    sent = sent_files(page)
    get = button(page, "klynge-exports-own-report-html")
    assert get.disabled and "No report yet" in "".join(text.value for text, _row in page._texts)
    # Where the batch puts each member's report (klynge.batch.layout): this member's, and another's.
    for org, text in ((fjell, "Report for Fjellguidene"), (gard, "Report for Gardsbutikken")):
        folder = outputs / "members" / str(org) / "report"
        folder.mkdir(parents=True)
        (folder / "report.html").write_text(f"<!DOCTYPE html><title>{text}</title>", encoding="utf-8")
    page.refresh()
    assert not get.disabled and "The report the facilitator made on" in "".join(t.value for t, _r in page._texts)
    get.click()
    message, buffers = sent[-1]
    assert message["mime"] == "text/html"
    assert message["filename"] == "Fjellguidene - Your report from the programme.html"
    assert b"Report for Fjellguidene" in buffers[0] and b"Gardsbutikken" not in buffers[0]
    assert not get.disabled
