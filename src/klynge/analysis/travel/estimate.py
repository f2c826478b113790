"""The offline estimate: straight-line km times a road-circuity factor, speeds by terrain, barriers.

For a leg from a to b:

1. the straight-line distance (:func:`flat_km`, within 0.2 % of the great circle here), times
   the circuity of the terrain at both ends (their mean);
2. driven at the terrain's speed (the harmonic mean of both ends' speeds: minutes per km
   are averaged); a point's terrain is that of the nearest municipality centre
   or locality of ``travel_places.csv`` (``travel_terrain_municipalities.csv``, classes in
   ``travel_terrain.csv``);
3. when the straight line crosses a barrier (``travel_barriers.csv``: the Trondheimsfjord with
   Beitstadfjorden and Stjørdalsfjorden, Snåsavatnet, Storsjön, the Norway-Sweden border),
   the leg goes through the cheapest of that barrier's passages (``travel_passages.csv``: the
   ends of a lake, bridges, border roads, ferries with their crossing time and a typical
   wait). A passage is used from the side a point can reach without crossing the barrier
   again; the detours of several barriers add up.

Everything is computed for whole matrices at once (numpy); see :func:`geometry.crosses`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ... import reference, resources
from ...errors import DataError
from .base import SourceBase, TravelMatrix, as_points
from .geometry import EARTH_KM, crosses, haversine_km, project

__all__ = ["Barrier", "Estimate", "Passage", "barriers", "flat_km", "terrain_of"]

_KINDS = ("end", "bridge", "ferry", "road")
_PENALTY = 10_000.0  # minutes; more than any drive in the Nordics, small enough for float32 to keep 0.01 min


@dataclass(frozen=True)
class Passage:
    """A way past a barrier: from end 1 to end 2 (the same point for a lake's end)."""

    barrier: str
    name: str
    kind: str
    lat1: float
    lon1: float
    lat2: float
    lon2: float
    crossing_min: float
    crossing_km: float
    wait_min: float


@dataclass(frozen=True)
class Barrier:
    """Water or a border a road must go round: polylines (projected) and the passages past it."""

    name: str
    parts: tuple[tuple[np.ndarray, np.ndarray], ...]
    passages: tuple[Passage, ...]


def read_table(name: str, numeric: tuple[str, ...], text: tuple[str, ...]) -> pd.DataFrame:
    """A reference CSV with its columns checked: named file, row and column in each error."""
    path = resources.path("data", "reference", name)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None
    for column in numeric + text:
        if column not in frame.columns:
            raise DataError(f"{path}: row 1, column {column!r}: missing from the header")
        empty = frame[column].str.strip() == ""
        if empty.any():
            raise DataError(f"{path}: row {int(np.flatnonzero(empty)[0]) + 2}, column {column!r}: is empty")
    for column in numeric:
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna())[0])
            raise DataError(f"{path}: row {row + 2}, column {column!r}: expected a number, "
                            f"got {frame[column].iloc[row]!r}")
        frame[column] = values.astype(float)
    return frame


@cache
def _terrain() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    classes = read_table("travel_terrain.csv", ("speed_kmh", "circuity"), ("terrain",)).set_index("terrain")
    mapping = read_table("travel_terrain_municipalities.csv", (), ("code", "terrain"))
    unknown = sorted(set(mapping["terrain"]) - set(classes.index))
    if unknown:
        raise DataError(f"travel_terrain_municipalities.csv: terrain {unknown[0]!r} is not in travel_terrain.csv "
                        f"({', '.join(classes.index)})")
    by_code = dict(zip(mapping["code"], mapping["terrain"]))
    # Anchors: every municipality centre, and the localities of travel_places.csv with their
    # municipality's terrain (Storlien lies nearer Meråker's centre than Järpen's).
    anchors = [(m.centre_lat, m.centre_lon, by_code[m.code]) for m in reference.municipalities() if m.code in by_code]
    local = read_table("travel_places.csv", ("lat", "lon"), ("name", "municipality"))
    for row in local.itertuples():
        if row.municipality not in by_code:
            raise DataError(f"travel_places.csv: {row.name}: municipality {row.municipality} has no terrain in "
                            "travel_terrain_municipalities.csv")
        anchors.append((row.lat, row.lon, by_code[row.municipality]))
    names = tuple(a[2] for a in anchors)
    return (np.array([a[0] for a in anchors]), np.array([a[1] for a in anchors]),
            60.0 / classes.loc[list(names), "speed_kmh"].to_numpy(), classes.loc[list(names), "circuity"].to_numpy(),
            names)


def terrain_of(lat, lon) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Minutes per road km, circuity and terrain name at each point (nearest municipality centre or locality)."""
    clat, clon, pace, circuity, names = _terrain()
    nearest = np.argmin(haversine_km(lat, lon, clat, clon), axis=1)
    return pace[nearest], circuity[nearest], [names[i] for i in nearest]


@cache
def barriers() -> tuple[Barrier, ...]:
    """The barriers and their passages, read and checked once."""
    lines = read_table("travel_barriers.csv", ("seq", "lat", "lon"), ("barrier", "part"))
    rows = read_table("travel_passages.csv",
                      ("lat1", "lon1", "lat2", "lon2", "crossing_min", "crossing_km", "wait_min"),
                      ("barrier", "name", "kind"))
    bad = rows[~rows["kind"].isin(_KINDS)]
    if len(bad):
        raise DataError(f"travel_passages.csv: row {bad.index[0] + 2}, column 'kind': expected one of "
                        f"{', '.join(_KINDS)}, got {bad['kind'].iloc[0]!r}")
    if (rows[["crossing_min", "crossing_km", "wait_min"]] < 0).any().any():
        raise DataError("travel_passages.csv: crossing minutes, km and wait must not be negative")
    out = []
    for name, group in lines.groupby("barrier", sort=False):
        parts = tuple(project(part.sort_values("seq")["lat"], part.sort_values("seq")["lon"])
                      for _, part in group.groupby("part", sort=False))
        passages = tuple(Passage(**{k: r[k] for k in Passage.__dataclass_fields__})
                         for r in rows[rows["barrier"] == name].to_dict("records"))
        if not passages:
            raise DataError(f"travel_passages.csv: barrier {name!r} has no passage")
        out.append(Barrier(name, parts, passages))
    unknown = sorted(set(rows["barrier"]) - {b.name for b in out})
    if unknown:
        raise DataError(f"travel_passages.csv: barrier {unknown[0]!r} is not in travel_barriers.csv")
    return tuple(out)


@dataclass
class _Points:
    """Points with what the estimate needs of each: terrain, projection, and their way to each passage."""

    lat: np.ndarray
    lon: np.ndarray
    pace: np.ndarray
    circuity: np.ndarray
    x: np.ndarray
    y: np.ndarray
    # Per barrier: minutes and km from each point to each passage, entering on its own side.
    legs: list[tuple[np.ndarray, np.ndarray]]

    def rows(self, rows: slice) -> _Points:
        return _Points(self.lat[rows], self.lon[rows], self.pace[rows], self.circuity[rows], self.x[rows],
                       self.y[rows], [(m[rows], k[rows]) for m, k in self.legs])


class Estimate(SourceBase):
    """The offline estimate (see the module docstring).

    Parameters
    ----------
    ferry_wait
        Add each ferry's typical wait to its crossing time (True); route planners leave it out.
    """

    name = "estimate"
    block = 256  # origins per block: the block's N x M temporaries stay small enough for the cache

    def __init__(self, ferry_wait: bool = True):
        self.ferry_wait = ferry_wait

    def matrix(self, origins, destinations) -> TravelMatrix:
        alat, alon, _ = as_points(origins)
        blat, blon, _ = as_points(destinations)
        # Both sides ordered west to east: a block of origins is then narrow, and the
        # destinations a polyline can be reached from are a slice (see geometry.crosses).
        arow, bcol = np.argsort(alon, kind="stable"), np.argsort(blon, kind="stable")
        a = self._points(alat[arow], alon[arow], first=True)
        b = self._points(blat[bcol], blon[bcol], first=False)
        minutes = np.empty((len(a.lat), len(b.lat)), dtype=np.float32)  # 0.01 minute is precise enough
        km = np.empty_like(minutes)
        for start in range(0, len(a.lat), self.block):
            rows = slice(start, start + self.block)
            minutes[rows], km[rows] = self._block(a.rows(rows), b)
        back = np.ix_(np.argsort(arow), np.argsort(bcol))
        return TravelMatrix(minutes[back], km[back], np.zeros(minutes.shape, dtype=np.int8))

    def _points(self, lat: np.ndarray, lon: np.ndarray, first: bool) -> _Points:
        pace, circuity, _ = terrain_of(lat, lon)
        x, y = project(lat, lon)
        points = _Points(lat, lon, pace, circuity, x, y, [])
        for barrier in barriers():
            points.legs.append(self._legs(barrier, points, first))
        return points

    def _legs(self, barrier: Barrier, p: _Points, first: bool) -> tuple[np.ndarray, np.ndarray]:
        """Minutes and km from each point to each passage of ``barrier`` (points x passages).

        A point enters a passage at the end it reaches without crossing the barrier (the
        nearer end when both or neither qualify) and leaves at the other end. The crossing
        itself (its minutes and km from end to end, and a ferry's wait) is counted on the
        origin's leg (``first``).
        """
        minutes = np.empty((len(p.lat), len(barrier.passages)))
        km = np.empty_like(minutes)
        for k, q in enumerate(barrier.passages):
            ends = []
            for lat, lon in ((q.lat1, q.lon1), (q.lat2, q.lon2)):
                qpace, qcirc, _ = terrain_of([lat], [lon])
                leg_km = haversine_km(p.lat, p.lon, [lat], [lon])[:, 0] * (p.circuity + qcirc[0]) / 2
                qx, qy = project([lat], [lon])
                ok = ~crosses(p.x, p.y, np.repeat(qx, len(p.x)), np.repeat(qy, len(p.y)), list(barrier.parts),
                              paired=True)
                ends.append((leg_km * (p.pace + qpace[0]) / 2, leg_km, ok))
            (m1, k1, ok1), (m2, k2, ok2) = ends
            use1 = np.where(ok1 == ok2, m1 <= m2, ok1)
            # A leg that crosses the barrier itself is a last resort: it carries a penalty that
            # loses to any proper way round, and is taken off again in _block.
            minutes[:, k] = np.where(use1, m1, m2) + _PENALTY * ~np.where(use1, ok1, ok2)
            km[:, k] = np.where(use1, k1, k2)
            if first:
                minutes[:, k] += q.crossing_min + (q.wait_min if self.ferry_wait else 0.0)
                km[:, k] += q.crossing_km
        return minutes, km

    def _block(self, a: _Points, b: _Points) -> tuple[np.ndarray, np.ndarray]:
        """Minutes and km from the block's origins to every destination (float32 inside: it is faster)."""
        f32 = np.float32
        circuity = (a.circuity.astype(f32)[:, None] + b.circuity.astype(f32)[None, :]) * f32(0.5)
        km = flat_km(a.lat, a.lon, b.lat, b.lon)
        km *= circuity
        minutes = (a.pace.astype(f32)[:, None] + b.pace.astype(f32)[None, :]) * f32(0.5)
        minutes *= km
        extra_min = np.zeros_like(minutes)
        extra_km = np.zeros_like(km)
        for barrier, (a_min, a_km), (b_min, b_km) in zip(barriers(), a.legs, b.legs):
            hit = crosses(a.x, a.y, b.x, b.y, list(barrier.parts))
            rows, cols = np.flatnonzero(hit.any(axis=1)), np.flatnonzero(hit.any(axis=0))
            if not len(rows):
                continue
            # Only the rectangle of rows and columns with a crossing (a view, no copy).
            sub = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
            hit = hit[sub]
            a_min, a_km, b_min, b_km = (v.astype(f32) for v in (a_min[sub[0]], a_km[sub[0]], b_min[sub[1]],
                                                                 b_km[sub[1]]))
            best = np.full(hit.shape, np.inf, dtype=f32)
            best_km = np.empty_like(best)
            via = np.empty_like(best)
            better = np.empty(hit.shape, dtype=bool)
            # The cheapest passage for every pair: a min-plus product over the barrier's few passages.
            for k in range(len(barrier.passages)):
                np.add(a_min[:, k, None], b_min[None, :, k], out=via)
                np.less(via, best, out=better)
                np.copyto(best, via, where=better)
                np.add(a_km[:, k, None], b_km[None, :, k], out=via)
                np.copyto(best_km, via, where=better)
            np.fmod(best, _PENALTY, out=best)
            best -= minutes[sub]
            best_km -= km[sub]
            np.add(extra_min[sub], best, out=extra_min[sub], where=hit)
            np.add(extra_km[sub], best_km, out=extra_km[sub], where=hit)
        minutes += extra_min
        km += extra_km
        return minutes, km


def flat_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Km between every point 1 and every point 2 on a local flat projection (rows x columns).

    Within the region (legs up to 600 km between 61.5 and 65.5 degrees north) it differs from
    the great-circle distance by under 0.2 %, and costs a fraction of the haversine formula.
    """
    f32 = np.float32
    lat1, lat2 = np.asarray(lat1, f32), np.asarray(lat2, f32)
    c1, c2 = np.cos(np.radians(lat1)) * f32(0.5), np.cos(np.radians(lat2)) * f32(0.5)
    dy = lat2[None, :] - lat1[:, None]
    dx = np.asarray(lon2, f32)[None, :] - np.asarray(lon1, f32)[:, None]
    dx *= c1[:, None] + c2[None, :]
    dx *= dx
    dy *= dy
    dx += dy
    return np.sqrt(dx, out=dx) * f32(np.pi / 180 * EARTH_KM)
