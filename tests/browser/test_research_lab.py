"""A researcher's link opens JupyterLab through ``klynge serve``: first a page while it starts, then the lab,
where an example notebook runs and a member's note does not."""

from __future__ import annotations

from klynge.i18n import t
from klynge.research_kernel import REFUSAL

from .conftest import close, screenshot

# The open notebook's code cells, once every one has run: their outputs; null while any waits or runs.
_OUTPUTS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel && panel.content && panel.content.model && panel.content.model.cells;
  if (!cells || !cells.length) return null;
  const outputs = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    if (!cell.executionCount) return null;
    outputs.push(cell.outputs.toJSON());
  }
  return outputs;
}"""

# What a curious cell tries: Klynge's own way into the database (two folders up from the research
# folder), to read the members' notes.
PRIVATE_NOTE = """\
from klynge import operations as ops
from klynge.settings import load_settings
store = ops.store_for(load_settings({"KLYNGE_HOME": "../.."}), create=False)
store.research_tables(ops.SYSTEM)["notes"]
"""


def _run_all(page) -> list:
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    handle = page.wait_for_function(_OUTPUTS, polling=250)
    return handle.json_value()


def test_the_researchers_link_opens_the_lab_where_an_example_runs_and_a_private_note_stays_out(served, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 800}, locale="en-GB")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO", is_mobile=True,
                                has_touch=True)
    try:
        # Nobody has opened the lab on this server: the link shows at once that it is being prepared.
        page = ctx.new_page()
        page.goto(served.link("researcher"))
        assert page.url == f"{served.url}/research/lab"
        page.get_by_role("heading", name=t("page.lab_starting.title", "en")).wait_for()
        assert page.get_by_role("progressbar").is_visible()
        screenshot(page, "research-lab-starting-desktop")
        small = phone.new_page()
        small.goto(served.link("researcher"))
        small.get_by_role("heading", name=t("page.lab_starting.title", "nb")).wait_for()
        assert small.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(small, "research-lab-starting-phone")
        # When the lab answers, the page moves on to it by itself.
        small.wait_for_selector(".jp-LabShell")
        close(phone)
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell && document.querySelector('.jp-LabShell')")
        page.evaluate("window.jupyterapp.commands.execute('docmanager:open', {path: 'sdg_cooccurrence.ipynb'})")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-cell")
        page.wait_for_function("() => { const p = window.jupyterapp.shell.currentWidget;"
                               " return p && p.sessionContext && p.sessionContext.session"
                               " && p.sessionContext.session.kernel"
                               " && p.sessionContext.session.kernel.connectionStatus === 'connected'; }")
        outputs = _run_all(page)
        kinds = [o["output_type"] for cell in outputs for o in cell]
        assert "error" not in kinds, outputs
        assert any("image/png" in o.get("data", {}) or "text/html" in o.get("data", {})
                   for cell in outputs for o in cell), outputs
        # The notebook wrote its figure into the research folder, where the kernel may write.
        assert [p.name for p in served.home.glob("research/*/sdg_cooccurrence.png")] == ["sdg_cooccurrence.png"]

        page.evaluate("window.jupyterapp.commands.execute('notebook:insert-cell-below')")
        page.evaluate("(code) => window.jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel"
                      ".setSource(code)", PRIVATE_NOTE)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-cell')")
        outputs = page.wait_for_function(_OUTPUTS, polling=250).json_value()
        errors = [o for o in outputs[-1] if o["output_type"] == "error"]
        assert errors and errors[0]["ename"] == "PermissionError", outputs[-1]
        assert REFUSAL in errors[0]["evalue"]
        page.evaluate("async () => { const notebook = window.jupyterapp.shell.currentWidget.content;"
                      " await notebook.scrollToCell(notebook.activeCell, 'end'); }")
        page.locator(".jp-OutputArea-output").filter(has_text=REFUSAL).last.wait_for()
        screenshot(page, "research-lab")
        # Signed in, the front door leads to the lab too.
        page.goto(served.url + "/")
        assert page.url == f"{served.url}/research/lab"
    finally:
        close(ctx)
        close(phone)
