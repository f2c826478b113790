"""Send a file from the kernel to the browser as a download, through the widget channel."""

from __future__ import annotations

import re

import anywidget

from .. import resources

__all__ = ["Download", "safe_filename"]


def safe_filename(name: str) -> str:
    """A file name with no folders and no characters a browser or a disk would trip on."""
    name = re.sub(r"[^\w.\- ]+", "_", name.replace("/", "_").replace("\\", "_"), flags=re.UNICODE).strip(" .")
    return name[:120] or "klynge"


class Download(anywidget.AnyWidget):
    """An invisible widget; :meth:`send_file` makes the browser save the bytes as a file."""

    _esm = resources.path("widgets", "download.js")

    def send_file(self, filename: str, data: bytes, mime: str = "application/octet-stream") -> None:
        self.send({"type": "download", "filename": safe_filename(filename), "mime": mime}, buffers=[data])
