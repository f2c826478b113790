"""The facilitator app in a real browser: the overview and the reports page."""

from .conftest import open_app, screenshot


def test_a_facilitator_sees_the_cluster_and_the_reports_page(served, context):
    page = open_app(context, served.link("facilitator"))
    assert page.url.partition("#")[0].endswith("/voila/render/facilitator.ipynb")  # the fragment names the step
    page.wait_for_selector(".klynge-counts")
    body = page.inner_text("body")
    assert "Nysesong" in body and "organisasjoner" in body
    page.click(".klynge-nav-batch")
    page.wait_for_selector(".klynge-batch")
    assert "Lag rapportene" in page.inner_text("body")
    screenshot(page, "facilitator-reports")


def test_a_participant_cannot_open_the_facilitator_app(served, context):
    page = context.new_page()
    page.goto(served.link("gard"))
    page.wait_for_selector(".klynge-app")
    page.goto(served.url + "/voila/render/facilitator.ipynb")
    page.wait_for_selector(".klynge-notice")
    assert "Lag rapportene" not in page.inner_text("body") and "fasilitatorer" in page.inner_text("body")
