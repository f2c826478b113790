"""Places a travel time can start or end at: reference place names or ``lat,lon``.

The reference places are every municipality's administrative centre (by the centre's name,
the municipality's name and its official names, e.g. "Snåase") from
``data/reference/municipalities.csv``, and the localities in
``data/reference/travel_places.csv`` (resorts, ferry quays, villages), which win where a
name is both: "Åre" is the resort, not Åre municipality's centre Järpen.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

from ... import reference, resources
from ...errors import DataError, NotFound, ValidationError

__all__ = ["NORDIC_LAT", "NORDIC_LON", "Place", "check_nordic", "coordinates", "parse_place", "place", "places"]

#: The box a travel time is answered inside: Denmark, Norway, Sweden and Finland.
NORDIC_LAT = (54.0, 72.0)
NORDIC_LON = (3.0, 32.0)

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d"})


@dataclass(frozen=True)
class Place:
    """A named point (WGS84 degrees)."""

    name: str
    lat: float
    lon: float


def fold(name: str) -> str:
    """A name for matching: lower case, accents and ø/æ folded, spaces squeezed ("Østersund" -> "ostersund")."""
    text = unicodedata.normalize("NFKD", name.strip().casefold().translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("-", " ").replace("–", " ").split())


@cache
def places() -> dict[str, Place]:
    """Every reference place by its folded name (see the module docstring for what is in it)."""
    out: dict[str, Place] = {}
    for m in reference.municipalities():
        centre = Place(m.centre, m.centre_lat, m.centre_lon)
        for name in (m.name, *m.official_names):
            out.setdefault(fold(name), Place(name, centre.lat, centre.lon))
        out[fold(m.centre)] = centre
    path = resources.path("data", "reference", "travel_places.csv")
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                p = Place(row["name"].strip(), float(row["lat"]), float(row["lon"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"{path}: row {line}: expected name, lat and lon ({exc})") from None
            out[fold(p.name)] = p
    return out


def nearest_names(text: str, n: int = 5) -> list[str]:
    """Up to ``n`` reference place names spelled most like ``text``."""
    known = places()
    folded = fold(text)
    close = difflib.get_close_matches(folded, list(known), n=n, cutoff=0.5)
    starts = [k for k in known if folded and k.startswith(folded[:3]) and k not in close]
    return [known[k].name for k in (close + starts)[:n]]


def place(name: str) -> Place:
    """The reference place called ``name`` (any case, with or without æ, ø, å, ä, ö)."""
    found = places().get(fold(name))
    if found is None:
        near = nearest_names(name)
        hint = f"; did you mean {', '.join(near)}?" if near else "; give lat,lon instead"
        raise NotFound(f"{name!r} is not a place in the reference data{hint}")
    return found


def check_nordic(lat, lon, what: str = "place") -> None:
    """Raise ValidationError unless every point lies in the Nordic box (:data:`NORDIC_LAT`, :data:`NORDIC_LON`)."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    bad = ~((lat >= NORDIC_LAT[0]) & (lat <= NORDIC_LAT[1]) & (lon >= NORDIC_LON[0]) & (lon <= NORDIC_LON[1]))
    if np.any(bad):
        i = int(np.flatnonzero(bad.ravel())[0])
        raise ValidationError([(what, f"{lat.ravel()[i]:g},{lon.ravel()[i]:g} lies outside the Nordic countries "
                                      f"(latitude {NORDIC_LAT[0]:g} to {NORDIC_LAT[1]:g}, longitude "
                                      f"{NORDIC_LON[0]:g} to {NORDIC_LON[1]:g}); travel times are only "
                                      "estimated there (check the order: latitude first)")])


def parse_place(text: str) -> Place:
    """``"63.43,10.39"`` as a place named by its coordinates, else the reference place of that name."""
    match = _LATLON.match(text)
    if match is None:
        return place(text)
    lat, lon = float(match.group(1)), float(match.group(2))
    check_nordic(lat, lon)
    return Place(f"{lat:.5f},{lon:.5f}", lat, lon)


def coordinates(rows) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes from (lat, lon) rows, checked to be numbers inside the Nordics."""
    try:
        array = np.asarray(rows, dtype=float).reshape(-1, 2)
    except (TypeError, ValueError):
        raise ValidationError([("places", "expected places or (latitude, longitude) pairs of numbers")]) from None
    if not np.all(np.isfinite(array)):
        raise ValidationError([("places", "a coordinate is missing or not a number")])
    check_nordic(array[:, 0], array[:, 1])
    return array[:, 0].copy(), array[:, 1].copy()
