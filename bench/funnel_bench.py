"""The facilitator's Mobilisation page: time to open, before and after, on the demo and 2 000 organisations.

``python bench/funnel_bench.py [--sizes 2000] [--repeat 5] [--before COMMIT] [--readme]`` opens the
page the way the facilitator app does, without a kernel: the page's service
(:class:`klynge.widgets.funnel_service.FunnelService`) and widget
(:class:`klynge.widgets.funnel_page.FunnelPage`) on a real SQLite store, once with the code of
``--before`` (the commit before the page was made fast, exported with ``git archive``) and once
with this checkout's, each in a fresh Python process per cluster, side by side in one run. The
clusters are made once, with this checkout's code, and both sides read the same files: the demo
(77 members) and a synthetic cluster per ``--sizes`` (``tests/widgets/funnel_cluster.py``). Prints
a table of the times and their ratios; ``--readme`` writes it into bench/README.md.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.readme import publish  # noqa: E402

#: The commit before the page was made fast: main as it was, the "before" of the table.
BEFORE = "fac0d5e"
#: What each side's measure reports, in the table's order.
MEASURES = (("first", "first open in the kernel (its imports included)"), ("again", "opened again"),
            ("again_en", "opened again, in English"), ("shown_again", "shown again, the same data"),
            ("switch", "language switched (nb to sv)"))

TEXT = """## Mobilisation page: time to open

`python bench/funnel_bench.py [--sizes 2000] [--repeat 5] [--before COMMIT] [--readme]` opens the
facilitator's Mobilisation page the way the app does, without a kernel: its service (the store's
funnel read and the analysis) and its widget (numbers, what is missing, the follow-up list and the
two pictures, the funnel and the referral tree) on a real SQLite file, with the code of the commit
before the page was made fast (`git archive` of `--before`) and with this checkout's, each side
in a fresh Python process per cluster, one after the other in the same run and on the same files:
the demo (77 members) and a synthetic cluster of 2 000 organisations
(`tests/widgets/funnel_cluster.py`, one seeded generator: organisations of every kind and many
municipalities, most invited by an earlier organisation (the well-connected ones more often), some
by the facilitators, 200 invitees not registered, sign-ins, canvases saved lately or long ago).
Each process first imports what a facilitator's kernel has loaded before the page is opened (the
app, ipywidgets, the language's texts). *Shown* is the time until the page is built with its
numbers and follow-up list, the moment the app puts it on screen; *drawn* until its pictures are
there too (before, the page was shown only once both pictures were drawn, so the two are the same).
*First open* is the first in the process and pays for importing networkx and matplotlib; the
others are the median of `--repeat` runs: a new page opened again, the same in English, the page
shown again by the app with unchanged data (`refresh`), and a switch of language. *Statements* is
what the page sends to the database when it opens.

Where the seconds went before (measured with cProfile and `time.perf_counter` around each step,
without a kernel, on a machine at a load of 5 to 9): the store's read and the analysis took 10 to
50 ms on the demo and 0.15 to 0.3 s on 2 000 organisations (seven statements whatever the size:
three for the funnel, the plan and the settings, each after checking the caller); importing
networkx about 0.5 s on a first open (the app has matplotlib loaded already); drawing the
referral tree 0.45 to 0.75 s on the demo and 0.8 to 1.9 s on 2 000 organisations, one matplotlib
artist per edge and per node, and on large clusters a tree past its budget of 80 nodes (142 of
them: each "+N" node came on top of the budget); the page was built in Norwegian and, when the
app set the person's language, relabelled and drawn again; every reload left its follow-up rows'
widgets behind; and a page of 2 000 organisations made some 1 270 widget models (75 rows of about
16: each row's place for the outcome of a reminder, and each widget's own layout and style), each
sent to the browser and drawn there. In a real kernel and Chromium (Playwright, by hand, not this
bench; load 6 to 7), the click to a complete page took 1.4 s on the demo and 3.4 to 3.6 s on
2 000 organisations, with nothing shown before.

Now the page is built in the person's language and shown with a "Drawing the picture…" place for
each picture; the pictures are drawn after, in the kernel's own thread once the page has gone to
the browser (`klynge.widgets.deferred`), the funnel first, then the tree; the tree is drawn with
one collection of lines and one of dots and cut to its budget with the "+N" nodes counted in it; a
picture already drawn for the same data and language is not drawn again; the rows share their
layouts and styles and make the outcome's place at the first reminder (306 widget models for the
2 000 organisations); a reload closes the rows it replaces; and the facilitator app imports
networkx once it has been sent to the browser. By hand as above: the numbers and the follow-up
list in 0.35 to 0.55 s on the demo (pictures 0.5 to 1.2 s), the whole page in 1.0 to 1.5 s on
2 000 organisations. On a busy machine the numbers move: compare the sides of one run.

"""


# -- one side's measure, in its own process ----------------------------------------------------
def _who(store):
    """The facilitator of the (only) cluster in ``store``."""
    from sqlalchemy import select

    from klynge.store import Identity
    from klynge.store import schema as s

    with store.engine.connect() as c:
        row = c.execute(select(s.people.c.id, s.people.c.name, s.people.c.cluster_id)
                        .where(s.people.c.role == "facilitator").order_by(s.people.c.id)).first()
    return Identity(person_id=row.id, role="facilitator", cluster_id=row.cluster_id, name=row.name)


def measure(home: str, repeat: int) -> dict:
    """Open the page on the store in ``home`` with whichever klynge this process imports; times in seconds."""
    import ipywidgets  # noqa: F401  (a facilitator's kernel has these by the time the page is opened)

    import klynge.apps.facilitator  # noqa: F401
    from klynge import operations as ops
    from klynge.i18n import t
    from klynge.settings import load_settings

    for lang in ("nb", "sv", "en"):
        t("nav.members", lang)
    settings = load_settings({"KLYNGE_HOME": home})
    store = ops.store_for(settings)
    who = _who(store)
    from sqlalchemy import event

    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    opened: list = []

    def open_page(lang: str) -> tuple[object, float, float]:
        """The page as the app builds it (``lang`` set as the shell does); seconds to shown and to drawn."""
        for page in opened:  # the page opened before is gone, as in a kernel whose page was closed
            _close(page)
        opened.clear()
        pending: list = []
        started = time.perf_counter()
        from klynge.widgets.funnel_page import FunnelPage  # the app imports the page when it is first opened
        from klynge.widgets.funnel_service import FunnelService

        service = FunnelService(store, who, settings)
        if "later" in inspect.signature(FunnelPage).parameters:
            page = FunnelPage(service, lang, later=pending.append)
        else:
            page = FunnelPage(service)
        page.lang = lang
        shown = time.perf_counter() - started
        drawn = _run(pending, started)
        opened.append(page)
        return page, shown, drawn

    def timed(action, page) -> tuple[float, float]:
        pending: list = []
        if hasattr(page, "_later"):
            page._later = pending.append
        started = time.perf_counter()
        action()
        shown = time.perf_counter() - started
        return shown, _run(pending, started)

    result: dict = {}
    statements.clear()
    _page, shown, drawn = open_page("nb")
    result["first"] = (shown, drawn)
    result["statements"] = sum(1 for q in statements if not q.lstrip().upper().startswith(("BEGIN", "COMMIT")))
    for key, lang in (("again", "nb"), ("again_en", "en")):
        runs = [open_page(lang)[1:] for _ in range(repeat)]
        result[key] = tuple(statistics.median(r[i] for r in runs) for i in (0, 1))
    page = open_page("nb")[0]
    runs = [timed(page.refresh, page) for _ in range(repeat)]
    result["shown_again"] = tuple(statistics.median(r[i] for r in runs) for i in (0, 1))
    runs = []
    for _ in range(repeat):
        page = open_page("nb")[0]
        runs.append(timed(lambda page=page: setattr(page, "lang", "sv"), page))
    result["switch"] = tuple(statistics.median(r[i] for r in runs) for i in (0, 1))
    view = page.view
    result["organisations"] = len(view.data.organisations)
    result["people"] = len(view.data.people)
    return result


def _close(widget) -> None:
    """Close a widget and all below it (both sides' pages; ``FunnelPage`` before had no such helper)."""
    for child in getattr(widget, "children", ()):
        _close(child)
    for part in ("layout", "style"):
        owned = getattr(widget, part, None)
        if owned is not None and hasattr(owned, "close"):
            owned.close()
    widget.close()


def _run(pending: list, started: float) -> float:
    """Run the page's deferred drawing (what the kernel does once the page is sent); seconds since ``started``."""
    while pending:
        pending.pop(0)()
    return time.perf_counter() - started


# -- the run: clusters, both sides, the table --------------------------------------------------
def _export(commit: str, folder: Path) -> Path:
    """``commit``'s package and resource folders in ``folder``; the folder to put on PYTHONPATH."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src", "data", "canvases", "widgets",
                                  "notebooks"], check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"cannot export {commit} with git archive (needs a git checkout with that commit): {exc}") \
            from exc
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _make_clusters(folder: Path, sizes: list[int]) -> list[tuple[str, Path]]:
    from tests.widgets.funnel_cluster import synthetic_funnel

    from klynge import operations as ops
    from klynge.demo import load_demo
    from klynge.settings import load_settings

    cases = []
    home = folder / "demo"
    settings = load_settings({"KLYNGE_HOME": str(home)})
    with ops.store_for(settings) as store:
        load_demo(store, settings, progress=False)
    cases.append(("demo", home))
    for n in sizes:
        home = folder / f"synthetic-{n}"
        with ops.store_for(load_settings({"KLYNGE_HOME": str(home)})) as store:
            synthetic_funnel(store, n)
        cases.append((f"synthetic, {n} organisations", home))
    return cases


def _side(src: Path, home: Path, repeat: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(src), str(ROOT)])
    out = subprocess.run([sys.executable, __file__, "--measure", str(home), "--repeat", str(repeat)], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000], help="synthetic cluster sizes")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure after the first; the median counts")
    parser.add_argument("--before", default=BEFORE, help="the commit whose page is the 'before'")
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    parser.add_argument("--measure", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeat)))
        return 0
    with tempfile.TemporaryDirectory(prefix="klynge-funnel-bench-") as tmp:
        folder = Path(tmp)
        before = _export(args.before, folder / "before")
        after = ROOT / "src"
        rows = []
        for label, home in _make_clusters(folder, args.sizes):
            print(f"measuring {label} ...", file=sys.stderr)
            rows.append((label, _side(before, home, args.repeat), _side(after, home, args.repeat)))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [f"Last result, median of {args.repeat} runs (the first open: one), before = {args.before}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {load:.1f} at the end "
             f"({datetime.now():%Y-%m-%d %H:%M}):", "",
             "| cluster | measure | before: shown = drawn (s) | after: shown (s) | after: drawn (s) | "
             "shown, before / after | drawn, before / after |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for label, old, new in rows:
        for key, words in MEASURES:
            b, (shown, drawn) = old[key][1], new[key]
            lines.append(f"| {label} | {words} | {b:.3f} | {shown:.3f} | {drawn:.3f} | "
                         f"{b / shown:.1f}x | {b / drawn:.1f}x |")
    lines += ["", "| cluster | organisations | people | statements, before | statements, after |",
              "|---|---:|---:|---:|---:|"]
    lines += [f"| {label} | {new['organisations']} | {new['people']} | {old['statements']} | {new['statements']} |"
              for label, old, new in rows]
    publish("## Mobilisation page", TEXT, lines, args.readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
