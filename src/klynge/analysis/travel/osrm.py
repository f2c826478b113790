"""A client of a cluster's own OSRM server: the table service, ``/table/v1/driving/``.

The request names the origins, then the destinations, as ``lon,lat`` and asks for
``annotations=duration,distance``; the answer's ``durations`` are seconds and ``distances``
metres. Large matrices go in blocks (:attr:`Osrm.block` places a side) to keep URLs short.

When the server refuses, does not answer within ``timeout`` seconds, answers with an HTTP
error, with something that is not OSRM's JSON, or with an error code, the whole matrix comes
from the fallback (the estimate), each cell marked with the fallback's source and the reason
in ``notes``. Cells OSRM could not route (``null``) come from the fallback too.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import numpy as np

from ...errors import OsrmUnavailable, ValidationError
from .base import SOURCE_NAMES, SourceBase, TravelMatrix, as_points
from .estimate import Estimate

__all__ = ["Osrm", "OsrmUnavailable"]

_OSRM = SOURCE_NAMES.index("osrm")


class Osrm(SourceBase):
    """Travel times from an OSRM server, the fallback (the estimate) where it fails.

    Parameters
    ----------
    url
        The server's base address, e.g. ``http://osrm.example.org:5000``.
    timeout
        Seconds to wait for the server (to connect, and for each read).
    fallback
        The source used where the server fails (default: the estimate).
    block
        At most this many origins and this many destinations per request.
    """

    name = "osrm"

    def __init__(self, url: str | None = None, timeout: float = 5.0, fallback=None, block: int = 100):
        if not url:
            raise ValidationError([("osrm", "the osrm source needs the server's address: --osrm-url "
                                            "http://host:5000")])
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError([("osrm", f"{url!r} is not an http:// or https:// address")])
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.fallback = fallback or Estimate()
        self.block = block

    def matrix(self, origins, destinations) -> TravelMatrix:
        alat, alon, _ = as_points(origins)
        blat, blon, _ = as_points(destinations)
        seconds = np.full((len(alat), len(blat)), np.nan)
        metres = np.full_like(seconds, np.nan)
        try:
            for i in range(0, len(alat), self.block):
                for j in range(0, len(blat), self.block):
                    rows, cols = slice(i, i + self.block), slice(j, j + self.block)
                    seconds[rows, cols], metres[rows, cols] = self.table(alat[rows], alon[rows], blat[cols],
                                                                         blon[cols])
        except OsrmUnavailable as exc:
            other = self.fallback.matrix(np.column_stack([alat, alon]), np.column_stack([blat, blon]))
            return TravelMatrix(other.minutes, other.km, other.source,
                                (f"{exc}; {SOURCE_NAMES[int(other.source.flat[0])] if other.source.size else ''} "
                                 "used instead", *other.notes))
        have = np.isfinite(seconds)
        minutes, km = seconds / 60.0, metres / 1000.0
        source = np.full(seconds.shape, _OSRM, dtype=np.int8)
        notes: tuple[str, ...] = ()
        if not have.all() or not np.isfinite(km).all():
            other = self.fallback.matrix(np.column_stack([alat, alon]), np.column_stack([blat, blon]))
            minutes = np.where(have, minutes, other.minutes)
            km = np.where(np.isfinite(km), km, other.km)
            source = np.where(have, source, other.source).astype(np.int8)
            if not have.all():
                notes = (f"the OSRM server found no route for {int((~have).sum())} of {have.size} pairs; "
                         "the estimate is shown for them", *other.notes)
        return TravelMatrix(minutes, km, source, notes)

    def table(self, alat, alon, blat, blon) -> tuple[np.ndarray, np.ndarray]:
        """One request: seconds and metres from each a to each b (NaN where OSRM has no route)."""
        points = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in zip(np.r_[alat, blat], np.r_[alon, blon]))
        n, m = len(alat), len(blat)
        query = (f"sources={';'.join(map(str, range(n)))}&destinations={';'.join(map(str, range(n, n + m)))}"
                 "&annotations=duration,distance")
        url = f"{self.url}/table/v1/driving/{points}?{query}"
        body = self._get(url)
        try:
            answer = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise OsrmUnavailable(f"the OSRM server at {self.url} answered something that is not JSON "
                                  f"({body[:60]!r})") from None
        if not isinstance(answer, dict) or "code" not in answer:
            raise OsrmUnavailable(f"the OSRM server at {self.url} answered JSON without OSRM's 'code'")
        if answer["code"] != "Ok":
            raise OsrmUnavailable(f"the OSRM server at {self.url} answered {answer['code']}: "
                                  f"{answer.get('message', 'no message')}")
        seconds = _grid(answer.get("durations"), n, m, "durations", self.url)
        metres = _grid(answer["distances"], n, m, "distances", self.url) if "distances" in answer \
            else np.full((n, m), np.nan)
        return seconds, metres

    def _get(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "klynge"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = ""
            try:
                detail = json.loads(exc.read()).get("message", "")
            except (ValueError, AttributeError, OSError):
                pass
            raise OsrmUnavailable(f"the OSRM server at {self.url} answered HTTP {exc.code}"
                                  + (f": {detail}" if detail else "")) from None
        except TimeoutError:
            raise OsrmUnavailable(f"the OSRM server at {self.url} did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise OsrmUnavailable(f"the OSRM server at {self.url} did not answer within {self.timeout:g} s") \
                    from None
            raise OsrmUnavailable(f"cannot reach the OSRM server at {self.url} ({reason})") from None
        except (ConnectionError, OSError) as exc:
            raise OsrmUnavailable(f"the OSRM server at {self.url} broke off the answer ({exc})") from None


def _grid(rows, n: int, m: int, what: str, url: str) -> np.ndarray:
    """An n x m list of numbers or nulls as floats (NaN for null), or OsrmUnavailable."""
    if not isinstance(rows, list) or len(rows) != n or any(not isinstance(r, list) or len(r) != m for r in rows):
        raise OsrmUnavailable(f"the OSRM server at {url} answered {what} that are not a {n} x {m} table")
    try:
        grid = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float).reshape(n, m)
    except (TypeError, ValueError):
        raise OsrmUnavailable(f"the OSRM server at {url} answered {what} that are not numbers") from None
    if (grid < 0).any() or np.isinf(grid).any() or any(isinstance(v, bool) for r in rows for v in r):
        raise OsrmUnavailable(f"the OSRM server at {url} answered negative or impossible {what}")
    return grid
