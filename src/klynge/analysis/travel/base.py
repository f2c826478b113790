"""What every travel-time source returns, and the registry that finds a source by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ...errors import NotFound
from .places import Place, coordinates

__all__ = ["SOURCE_NAMES", "Travel", "TravelMatrix", "TravelSource", "get", "names", "register"]

#: The names a cell's source can have; :attr:`TravelMatrix.source` holds indexes into it.
SOURCE_NAMES = ("estimate", "matrix", "osrm")


@dataclass(frozen=True)
class Travel:
    """Driving time and distance between two places.

    ``source`` names what gave the figures (``estimate``, ``matrix`` or ``osrm``); ``note``
    says why a source other than the one asked for answered (empty when it did not).
    """

    minutes: float
    km: float
    source: str
    note: str = ""

    def as_dict(self) -> dict:
        """The keys ``minutes``, ``km`` and ``source``, rounded to a tenth."""
        return {"minutes": round(self.minutes, 1), "km": round(self.km, 1), "source": self.source}


@dataclass(frozen=True)
class TravelMatrix:
    """Minutes and km from every origin (rows) to every destination (columns).

    ``source`` holds, per cell, an index into :data:`SOURCE_NAMES`; ``notes`` the messages a
    person should see (a server that did not answer, pairs a matrix file lacks).
    """

    minutes: np.ndarray
    km: np.ndarray
    source: np.ndarray
    notes: tuple[str, ...] = field(default=())

    @property
    def shape(self) -> tuple[int, int]:
        return self.minutes.shape

    def source_at(self, i: int, j: int) -> str:
        """The name of the source of cell ``(i, j)``."""
        return SOURCE_NAMES[int(self.source[i, j])]

    def cell(self, i: int, j: int) -> Travel:
        """Cell ``(i, j)`` as a :class:`Travel`, with the notes joined."""
        return Travel(float(self.minutes[i, j]), float(self.km[i, j]), self.source_at(i, j), "; ".join(self.notes))

    def to_frame(self, origins: Sequence[str] | None = None, destinations: Sequence[str] | None = None):
        """A long table: origin, destination, minutes, km, source (one row per cell)."""
        import pandas as pd

        n, m = self.shape
        origins = list(origins) if origins is not None else list(range(n))
        destinations = list(destinations) if destinations is not None else list(range(m))
        return pd.DataFrame({
            "origin": np.repeat(np.asarray(origins, dtype=object), m),
            "destination": np.tile(np.asarray(destinations, dtype=object), n),
            "minutes": self.minutes.ravel(), "km": self.km.ravel(),
            "source": np.asarray(SOURCE_NAMES, dtype=object)[self.source.ravel()],
        })


class TravelSource(Protocol):
    """A source of travel times: the estimate, a matrix file, an OSRM server, ..."""

    name: str

    def matrix(self, origins, destinations) -> TravelMatrix:
        """Every origin to every destination; each a sequence of :class:`Place` or (lat, lon) rows."""
        ...

    def between(self, a: Place, b: Place) -> Travel:
        """From ``a`` to ``b``."""
        ...


class SourceBase(ABC):
    """``between`` through ``matrix``, for sources that only need to write ``matrix``."""

    name = ""

    @abstractmethod
    def matrix(self, origins, destinations) -> TravelMatrix:
        """Every origin to every destination (see :class:`TravelSource`)."""

    def between(self, a: Place, b: Place) -> Travel:
        return self.matrix([a], [b]).cell(0, 0)


def as_points(places) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Latitudes, longitudes and names (None where unnamed) of places or (lat, lon) rows."""
    items = list(places)
    if items and all(isinstance(p, Place) for p in items):
        return (np.array([p.lat for p in items], dtype=float), np.array([p.lon for p in items], dtype=float),
                [p.name for p in items])
    lat, lon = coordinates(items)
    return lat, lon, [None] * len(lat)


_REGISTRY: dict[str, Callable[..., TravelSource]] = {}


def register(name: str, factory: Callable[..., TravelSource]) -> None:
    """Make a source available by ``name``; ``factory(**options)`` builds it."""
    _REGISTRY[name] = factory


def get(name: str, **options) -> TravelSource:
    """The source registered as ``name``, built with ``options`` (e.g. ``path=`` or ``url=``)."""
    if name not in _REGISTRY:
        raise NotFound(f"no travel-time source {name!r}; sources are {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](**options)


def names() -> tuple[str, ...]:
    """The registered sources' names, sorted."""
    return tuple(sorted(_REGISTRY))
