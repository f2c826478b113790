"""Vectorised geometry for travel times: great-circle distances and barrier crossings.

Crossings are tested in a flat projection centred on the region (x = longitude times the
cosine of 63.5 degrees, y = latitude, both relative to the centre), good enough to tell on
which side of a fjord a straight line runs; distances use the haversine formula.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EARTH_KM", "crosses", "haversine_km", "project"]

EARTH_KM = 6371.0088
_LAT0, _LON0 = 63.5, 12.0
_COS0 = float(np.cos(np.radians(_LAT0)))
_ROWS = 256  # rows per block: keeps the N x M temporaries small enough to stay in the cache


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle km between every point 1 (rows) and every point 2 (columns)."""
    p1, p2 = np.radians(np.asarray(lat1, float))[:, None], np.radians(np.asarray(lat2, float))[None, :]
    dlon = np.radians(np.asarray(lon2, float))[None, :] - np.radians(np.asarray(lon1, float))[:, None]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def project(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """Flat coordinates (float32) for the crossing tests."""
    return ((np.asarray(lon, float) - _LON0) * _COS0).astype(np.float32), \
        (np.asarray(lat, float) - _LAT0).astype(np.float32)


def crosses(ax, ay, bx, by, parts: list[tuple[np.ndarray, np.ndarray]], paired: bool = False) -> np.ndarray:
    """Whether the straight line from each a to each b crosses any of the polylines ``parts``.

    ``parts`` holds each polyline's projected x and y vertices. With ``paired`` the lines are
    a[i] to b[i] (a vector); otherwise every a (rows) to every b (columns), an N x M array.

    Two segments cross when each one's ends lie on opposite sides of the other's line. For
    the polyline's vertex v, the side of v from the line a->b is the sign of
    ``cross(b - a, v - a) = g(a, b) + f_v(b) - f_v(a)`` with ``g(a, b) = ax by - ay bx`` and
    ``f_v(p) = px vy - py vx``: ``g`` is computed once per block, ``f_v`` once per point, so
    each vertex costs two additions over the block.
    """
    ax, ay, bx, by = (np.asarray(v, np.float32) for v in (ax, ay, bx, by))
    if paired:
        return _block(ax, ay, bx, by, parts, paired=True)
    out = np.zeros((len(ax), len(bx)), dtype=bool)
    for start in range(0, len(ax), _ROWS):
        rows = slice(start, start + _ROWS)
        out[rows] = _block(ax[rows], ay[rows], bx, by, parts, paired=False)
    return out


def _block(ax, ay, bx, by, parts, paired: bool) -> np.ndarray:
    if paired:
        return _lines(ax, ay, bx, by, parts, paired=True)
    hit = np.zeros((len(ax), len(bx)), dtype=bool)
    if not len(ax) or not len(bx):
        return hit
    ordered = bool(np.all(bx[1:] >= bx[:-1]))
    for vx, vy in parts:
        # With the b points ordered by x, a block of a points wholly west (east) of a polyline
        # only meets it on lines to b points east (west) of its west (east) end: a slice.
        lo, hi = 0, len(bx)
        if ordered and ax.max() < vx.min():
            lo = int(np.searchsorted(bx, vx.min()))
        elif ordered and ax.min() > vx.max():
            hi = int(np.searchsorted(bx, vx.max(), side="right"))
        if lo < hi:
            hit[:, lo:hi] |= _lines(ax, ay, bx[lo:hi], by[lo:hi], [(vx, vy)], paired=False)
    return hit


def _lines(ax, ay, bx, by, parts, paired: bool) -> np.ndarray:
    def outer(a, b):
        return (a, b) if paired else (a[:, None], b[None, :])

    a_x, b_y = outer(ax, by)
    a_y, b_x = outer(ay, bx)
    minus_g = a_y * b_x - a_x * b_y
    hit = np.zeros(minus_g.shape, dtype=bool)
    for vx, vy in parts:
        if (max(ax.max(initial=-np.inf), bx.max(initial=-np.inf)) < vx.min()
                or min(ax.min(initial=np.inf), bx.min(initial=np.inf)) > vx.max()
                or max(ay.max(initial=-np.inf), by.max(initial=-np.inf)) < vy.min()
                or min(ay.min(initial=np.inf), by.min(initial=np.inf)) > vy.max()):
            continue  # no line of this block reaches the polyline's box
        previous = None
        for k in range(len(vx)):
            fa, fb = outer(ax * vy[k] - ay * vx[k], bx * vy[k] - by * vx[k])
            side = (fb - fa) > minus_g
            if previous is not None:
                # Sides of the a and b points from the segment's own line (one value per point).
                sx, sy = vx[k] - vx[k - 1], vy[k] - vy[k - 1]
                sa, sb = outer(sx * (ay - vy[k - 1]) - sy * (ax - vx[k - 1]) > 0,
                               sx * (by - vy[k - 1]) - sy * (bx - vx[k - 1]) > 0)
                hit |= (side != previous) & (sa != sb)
            previous = side
    return hit
