"""All of a batch's reports in one zip file whose index links work once it is unpacked.

A downloaded ``index.html`` alone links to files the browser does not have. The archive
keeps the outputs folder's layout (``index.html``, ``cluster/``, ``members/<id>/report/``,
``failed/``), so every relative link of the index finds its file. Analyses (JSON) and
executed notebooks of successful steps stay out: they are for the batch, not for readers.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

__all__ = ["ARCHIVED", "index_links", "reports_archive"]

#: What the archive holds, as patterns relative to the outputs folder.
ARCHIVED = ("index.html", "cluster/*.html", "members/*/report/*.html", "failed/*.ipynb")
_HREF = re.compile(r'href="([^"#?:]+)"')


def reports_archive(outputs: Path, folder: str = "reports") -> bytes:
    """The zip's bytes: every report under one folder named ``folder``, the index at its top.

    Raises
    ------
    FileNotFoundError
        When the outputs folder holds no index yet (no batch has finished).
    """
    root = Path(outputs).resolve()
    if not (root / "index.html").is_file():
        raise FileNotFoundError(f"{root} holds no index.html yet")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for pattern in ARCHIVED:
            for path in sorted(root.glob(pattern)):
                # Only regular files inside the outputs folder, never what a link points elsewhere.
                if path.is_file() and not path.is_symlink() and root in path.resolve().parents:
                    archive.write(path, f"{folder}/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()


def index_links(index_html: str) -> list[str]:
    """The relative links of an index page (what the archive must hold for them to work)."""
    return [h.replace("&amp;", "&") for h in _HREF.findall(index_html)]
