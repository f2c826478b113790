"""A matrix file: minutes between places, exported from any routing engine, as CSV.

Two layouts are read:

- long: columns ``from``, ``to``, ``minutes`` and optionally ``km``, and ``from_lat``,
  ``from_lon``, ``to_lat``, ``to_lon`` for places that are not reference places;
- square: the first column names the origins, the other columns' headers the destinations,
  each cell the minutes (an empty cell is a missing pair).

A place is a reference place name (see :mod:`.places`) unless its coordinates are given. A
query point matches a place of the file by name, or when it lies within ``tolerance_km`` of
it. A pair the file lacks in one direction is taken from the other direction (driving times
are nearly symmetric); pairs it lacks in both come from the fallback (the estimate), and
each cell says which source gave it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError, NotFound
from .base import SOURCE_NAMES, SourceBase, TravelMatrix, as_points
from .estimate import Estimate
from .geometry import haversine_km
from .places import check_nordic, fold, places

__all__ = ["MatrixFile"]

_MATRIX = SOURCE_NAMES.index("matrix")
_COORDS = ("from_lat", "from_lon", "to_lat", "to_lon")


class MatrixFile(SourceBase):
    """Minutes (and km) between places from a CSV file; the fallback answers the pairs it lacks.

    Parameters
    ----------
    path
        The CSV file (layouts in the module docstring).
    fallback
        The source for missing pairs, and for km when the file has none (default: the estimate).
    tolerance_km
        How near a point must be to a place of the file to count as that place.
    """

    name = "matrix"

    def __init__(self, path: str | Path | None = None, fallback=None, tolerance_km: float = 1.0):
        if path is None:
            raise DataError("the matrix source needs a file: --matrix FILE (a CSV of minutes between places)")
        self.path = Path(path)
        self.fallback = fallback or Estimate()
        self.tolerance_km = tolerance_km
        self.names, self.lat, self.lon, self.minutes, self.km = _read(self.path)
        self._index = {fold(n): k for k, n in enumerate(self.names)}

    def _match(self, lat: np.ndarray, lon: np.ndarray, names: list[str | None]) -> np.ndarray:
        """The file's place index of each point, or -1."""
        found = np.full(len(lat), -1)
        if len(lat) and len(self.names):
            d = haversine_km(lat, lon, self.lat, self.lon)
            nearest = np.argmin(d, axis=1)
            close = d[np.arange(len(lat)), nearest] <= self.tolerance_km
            found[close] = nearest[close]
        for i, name in enumerate(names):
            if name is not None and fold(name) in self._index:
                found[i] = self._index[fold(name)]
        return found

    def matrix(self, origins, destinations) -> TravelMatrix:
        alat, alon, anames = as_points(origins)
        blat, blon, bnames = as_points(destinations)
        ia, ib = self._match(alat, alon, anames), self._match(blat, blon, bnames)
        minutes = np.full((len(ia), len(ib)), np.nan)
        km = np.full_like(minutes, np.nan)
        rows, cols = ia >= 0, ib >= 0
        if rows.any() and cols.any():
            sub = np.ix_(rows, cols)
            minutes[sub] = self.minutes[np.ix_(ia[rows], ib[cols])]
            km[sub] = self.km[np.ix_(ia[rows], ib[cols])]
        have = np.isfinite(minutes)
        if have.all() and np.isfinite(km).all():
            return TravelMatrix(minutes, km, np.full(minutes.shape, _MATRIX, dtype=np.int8))
        other = self.fallback.matrix(np.column_stack([alat, alon]), np.column_stack([blat, blon]))
        source = np.where(have, np.int8(_MATRIX), other.source).astype(np.int8)
        notes = list(other.notes)
        missing = int((~have).sum())
        if missing:
            notes.append(f"{missing} of {have.size} pairs are not in {self.path.name}: "
                         f"{SOURCE_NAMES[int(other.source.flat[np.flatnonzero(~have)[0]])]} used for them")
        return TravelMatrix(np.where(have, minutes, other.minutes), np.where(np.isfinite(km), km, other.km),
                            source, tuple(notes))


def _read(path: Path) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Place names, their coordinates, and K x K minutes and km (NaN where missing)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise DataError(f"matrix file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"matrix file {path} cannot be read as CSV ({exc})") from None
    columns = [c.strip() for c in frame.columns]
    if {"from", "to", "minutes"} <= {c.lower() for c in columns}:
        frame.columns = [c.lower() for c in columns]
        long = frame
    elif len(columns) >= 2:
        frame.columns = columns
        long = frame.melt(id_vars=[columns[0]], var_name="to", value_name="minutes").rename(
            columns={columns[0]: "from"})
        long["line"] = long.index % len(frame) + 2
        long = long[long["minutes"].str.strip() != ""]
    else:
        raise DataError(f"matrix file {path}: expected columns from, to, minutes (and km), or a square table "
                        "with origins in the first column and destinations as headers")
    if "line" not in long:
        long = long.assign(line=np.arange(len(long)) + 2)
    minutes = _numbers(path, long, "minutes", required=True)
    km = _numbers(path, long, "km", required=False)
    coords = all(c in long for c in _COORDS)
    names: list[str] = []
    position: dict[str, int] = {}
    lat: list[float] = []
    lon: list[float] = []

    def index(name: str, line: int, plat: str | None, plon: str | None) -> int:
        key = fold(name)
        if not key:
            raise DataError(f"matrix file {path}: row {line}: a place name is empty")
        if key not in position:
            if plat not in (None, "") and plon not in (None, ""):
                try:
                    point = (float(plat), float(plon))
                except ValueError:
                    raise DataError(f"matrix file {path}: row {line}: coordinates of {name!r} are not numbers") \
                        from None
                check_nordic(*point, what=f"{path.name} row {line}")
            else:
                from .places import nearest_names

                known = places().get(key)
                if known is None:
                    near = nearest_names(name)
                    hint = f" (did you mean {', '.join(near)}?)" if near else ""
                    raise NotFound(f"matrix file {path}: row {line}: {name!r} is not a reference place{hint}; "
                                   "give its coordinates in from_lat, from_lon, to_lat, to_lon")
                point = (known.lat, known.lon)
            position[key] = len(names)
            names.append(name.strip())
            lat.append(point[0])
            lon.append(point[1])
        return position[key]

    pairs = []
    for n, row in enumerate(long.to_dict("records")):
        a = index(row["from"], row["line"], row.get("from_lat") if coords else None,
                  row.get("from_lon") if coords else None)
        b = index(row["to"], row["line"], row.get("to_lat") if coords else None, row.get("to_lon") if coords else None)
        pairs.append((a, b, minutes[n], km[n], row["line"]))
    size = len(names)
    mins = np.full((size, size), np.nan)
    kms = np.full((size, size), np.nan)
    for a, b, m, k, line in pairs:
        if np.isfinite(mins[a, b]) and (mins[a, b] != m or not _same(kms[a, b], k)):
            raise DataError(f"matrix file {path}: row {line}: {names[a]} to {names[b]} appears twice with "
                            f"different values ({mins[a, b]:g} and {m:g} minutes)")
        mins[a, b], kms[a, b] = m, k
    np.fill_diagonal(mins, np.where(np.isnan(np.diag(mins)), 0.0, np.diag(mins)))
    np.fill_diagonal(kms, np.where(np.isnan(np.diag(kms)), 0.0, np.diag(kms)))
    # Only one direction given: the other is taken to be the same.
    mins = np.where(np.isnan(mins), mins.T, mins)
    kms = np.where(np.isnan(kms) & np.isfinite(mins.T), kms.T, kms)
    return names, np.array(lat), np.array(lon), mins, kms


def _numbers(path: Path, frame: pd.DataFrame, column: str, required: bool) -> np.ndarray:
    """The column as numbers (NaN where empty and not required); errors name the file's row."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    lines = frame["line"].to_numpy()
    text = frame[column].astype(str).str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy(dtype=float)
    bad = (np.isnan(values) & ((text != "").to_numpy() | required)) | np.isinf(values)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise DataError(f"matrix file {path}: row {lines[k]}, column {column!r}: expected a number, "
                        f"got {frame[column].iloc[k]!r}")
    negative = values < 0
    if negative.any():
        k = int(np.flatnonzero(negative)[0])
        raise DataError(f"matrix file {path}: row {lines[k]}, column {column!r}: {values[k]:g} is negative")
    return values


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b
