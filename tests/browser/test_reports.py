"""A member's report and the cluster summary in a real browser: hostile text stays text."""

from pathlib import Path

from klynge import operations as ops
from klynge.batch import run_batch
from klynge.model import Note
from klynge.settings import load_settings
from klynge.store import Identity

from .conftest import PEOPLE, close

HOSTILE = '<img src=x onerror="window.__pwned=1"><svg onload="window.__pwned=2">'


def test_hostile_markup_in_a_note_is_text_in_the_reports(served, browser, tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(served.home)}, outputs=str(tmp_path / "outputs"), lang="en")
    with ops.store_for(settings) as store:
        person = store.person_by_email(ops.SYSTEM, PEOPLE["gard"])
        org = person.organisation_id
        who = Identity(person_id=person.id, role="participant", organisation_id=org, cluster_id=1)
        doc, rev = store.canvas(who, org, "business_model")
        notes = [*doc.notes, Note(id="hostile", block="channels", text=f"Booking {HOSTILE}")]
        store.save_canvas(who, org, "business_model", notes, rev.number or None)
    summary = run_batch(settings, members=[org], workers=1, progress=False)
    assert summary.ok, summary.failed
    report = next((Path(settings.outputs) / "members" / str(org) / "report").glob("*.html"))
    cluster = next((Path(settings.outputs) / "cluster").glob("*.html"))
    ctx = browser.new_context()
    page = ctx.new_page()
    for path in (report, cluster, Path(settings.outputs) / "index.html"):
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None
    page.goto(report.as_uri())
    assert HOSTILE in page.evaluate("document.body.textContent")  # in the rows behind the poster
    assert page.locator("img[src=x], svg[onload]").count() == 0
    close(ctx)
