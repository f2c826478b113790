"""Fingerprints: short, stable hashes of the data an output was built from.

A fingerprint is the SHA-256 of a canonical JSON text (sorted keys, no spaces, numbers as
JSON writes them), so the same data gives the same fingerprint on any machine and in any
process. It is printed on every output, and the runner compares it to decide what
``resume`` may skip.

- :func:`member_fingerprint`: a member's profile, offers, canvases, SDG assessment, and the
  seasonality of its area; no versions, times or revision numbers.
- :func:`cluster_fingerprint`: the cluster's record and the fingerprints of the members
  whose analyses its summary reads.
- :func:`run_key`: what decides whether an output is current: its data's fingerprint, the
  fingerprints it depends on, the language and the notebook it was made with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

__all__ = ["canonical_json", "cluster_fingerprint", "digest", "file_digest", "member_fingerprint", "run_key"]

#: Hex digits kept: 64 bits, plenty to tell versions of one cluster's data apart.
LENGTH = 16


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Path):
        return value.as_posix()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def canonical_json(value) -> str:
    """``value`` as canonical JSON: sorted keys, compact, UTF-8 text kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_default)


def digest(value) -> str:
    """The fingerprint of any JSON-able value."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()[:LENGTH]


def file_digest(path: str | Path) -> str:
    """The fingerprint of a file's bytes (e.g. a notebook, so a changed notebook reruns)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:LENGTH]


def member_fingerprint(member) -> str:
    """The fingerprint of a :class:`klynge.batch.data.MemberData`."""
    return digest(member.canonical())


def cluster_fingerprint(cluster, members: Mapping[int, str] | Iterable[tuple[int, str]]) -> str:
    """The fingerprint of the cluster's picture.

    Parameters
    ----------
    cluster
        The :class:`klynge.model.Cluster` (its name, description and sub-clusters count).
    members
        Member id to member fingerprint, for every member the summary includes.
    """
    pairs = sorted(dict(members).items())
    return digest({"cluster": cluster.model_dump(mode="json"), "members": [[i, f] for i, f in pairs]})


def run_key(*parts) -> str:
    """A key that changes when any of ``parts`` changes (fingerprints, language, notebook digest)."""
    return digest(list(parts))
