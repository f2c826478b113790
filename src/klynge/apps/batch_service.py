"""The facilitator's batch, run from the app: one batch at a time, in a thread of the app's kernel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import NotAnOutput
from ..settings import Settings
from ..store import Identity, Store
from ..store.access import require

__all__ = ["FORMATS", "BatchService", "Output"]

#: The formats a report is also downloaded in, each with its converter in :mod:`klynge.report.formats`.
FORMATS: dict[str, Callable] = {"pdf": lambda f: f.to_pdf, "docx": lambda f: f.to_docx}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Output:
    """One finished output a facilitator can download: what it is, and where it lies."""

    kind: str  # archive (every report, with the index), cluster or member
    label: str
    path: Path


class BatchService:
    """Start and watch the batch, and hand out its outputs, for a facilitator only.

    The outputs folder is never served by the web server; files leave it only through
    :meth:`read`, which refuses anything outside it.
    """

    def __init__(self, settings: Settings, store: Store, who: Identity):
        require(who, "manage", cluster_id=who.cluster_id)
        # An absolute folder: the outputs are read where the batch wrote them, whatever the kernel's folder.
        settings = replace(settings, outputs=str(Path(settings.outputs).resolve()))
        self.settings, self.store, self.who = settings, store, who
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, *, lang: str, resume: bool, on_progress: Callable[[int, int, object], None],
              on_done: Callable[[object, Exception | None], None]) -> bool:
        """Run a batch in the background; False when one is already running."""
        if self.running:
            return False
        from ..batch import run_batch

        settings = replace(self.settings, lang=lang)

        def work():
            try:
                summary = run_batch(settings, resume=resume, progress=on_progress)
            except Exception as exc:  # reported once, to the facilitator, in plain words
                log.exception("the batch failed")
                on_done(None, exc)
            else:
                on_done(summary, None)

        self._thread = threading.Thread(target=work, name="klynge-batch", daemon=True)
        self._thread.start()
        return True

    def members(self) -> int:
        """How many member organisations the batch will read."""
        return len(self.store.organisations(self.who))

    def outputs(self) -> list[Output]:
        """Finished outputs: all reports as one archive, the cluster summary, each member's report."""
        root = Path(self.settings.outputs)
        found = []
        if (root / "index.html").is_file():
            found.append(Output("archive", "reports.zip", root / "index.html"))
        for path in sorted((root / "cluster").glob("*.html")):
            found.append(Output("cluster", path.name, path))
        names = {org.id: org.name for org in self.store.organisations(self.who)}
        members = root / "members"
        for folder in sorted(members.glob("*/report"), key=lambda p: names.get(_int(p.parent.name), "")):
            for path in sorted(folder.glob("*.html")):
                found.append(Output("member", names.get(_int(folder.parent.name), folder.parent.name), path))
        return found

    def read(self, output: Output, fmt: str = "html") -> bytes:
        """The bytes of an output, only when it lies inside the outputs folder; the archive is made now.

        A report also comes as ``"pdf"`` or ``"docx"``, made from its HTML page the first time it
        is asked for and kept beside it until the batch writes the page again.
        """
        root = Path(self.settings.outputs).resolve()
        path = output.path.resolve()
        if root not in path.parents:
            raise NotAnOutput(f"{path} is not an output of the batch; only files in {root} are")
        if output.kind == "archive":
            from ..report.bundle import reports_archive

            return reports_archive(root)
        if fmt == "html":
            return path.read_bytes()
        if fmt not in FORMATS:
            raise NotAnOutput(f"a report comes as html, {', '.join(FORMATS)}; not as {fmt!r}")
        made = path.with_suffix(f".{fmt}")
        if not made.is_file() or made.stat().st_mtime < path.stat().st_mtime:
            from ..batch.steps import write_bytes
            from ..report import formats

            write_bytes(made, FORMATS[fmt](formats)(path.read_text(encoding="utf-8")))
        return made.read_bytes()


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None
