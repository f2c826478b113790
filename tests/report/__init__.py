"""Tests of :mod:`klynge.report`'s posters and summary, and helpers that read the files they make."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TJ = re.compile(rb"\[(.*?)\]\s*TJ", re.S)
_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = raw[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text a matplotlib PDF draws, one drawn line per line.

    Klynge's PDFs embed TrueType fonts whose character codes are the text's UTF-16 code
    units, so the strings of each ``TJ`` decode as UTF-16BE. Ligatures (fi, fl) and a few
    signs (…, –) come from a second font with codes of its own and read as other characters
    here (a PDF reader maps them back through the font's ToUnicode table); tests look for
    text without them.
    """
    lines = []
    for stream in _STREAM.findall(data):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for array in _TJ.findall(content):
            raw = b"".join(_unescape(s[1:-1]) for s in _STRING.findall(array))
            lines.append(raw.decode("utf-16-be", errors="replace"))
    return "\n".join(lines)


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """Width and height in points of every page of a PDF."""
    pages = re.findall(rb"/Type /Page\b(?!s).*?/MediaBox \[ ([\d. ]+) \]", data, re.S)
    return [tuple(float(x) for x in box.split()[2:4]) for box in pages]
