"""Three-way merge of documents kept as items keyed by a stable id (notes, targets, fields)."""

from __future__ import annotations

from ..errors import Clash

__all__ = ["merge"]

_ABSENT = object()


def merge(base: dict, theirs: dict, mine: dict) -> tuple[dict, list[Clash]]:
    """Merge ``mine`` (saved on ``base``) into ``theirs`` (saved since), item by item.

    An item changed (or added, or removed) on one side only takes that side's version. An item
    changed on both sides to the same value is no clash. An item changed on both sides to
    different values is a :class:`Clash`; the merged result then keeps ``theirs`` for it.

    Returns
    -------
    merged, clashes
    """
    merged = dict(theirs)
    clashes = []
    for key in sorted(base.keys() | theirs.keys() | mine.keys()):
        b, t, m = base.get(key, _ABSENT), theirs.get(key, _ABSENT), mine.get(key, _ABSENT)
        if m == b or m == t:
            continue
        if t == b:
            if m is _ABSENT:
                merged.pop(key, None)
            else:
                merged[key] = m
            continue
        clashes.append(Clash(item_id=key, base=_none(b), theirs=_none(t), mine=_none(m)))
    return merged, clashes


def _none(value):
    return None if value is _ABSENT else value
