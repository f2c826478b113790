"""Travel times between places: one interface, several sources.

Every source answers :meth:`~base.TravelSource.between` (two places) and
:meth:`~base.TravelSource.matrix` (every origin to every destination, vectorised), in minutes
and km, and says which source gave each figure:

- ``estimate`` (:class:`Estimate`): offline, from straight-line distance, terrain and the
  fjords, lakes, border and ferries that force a road round (reference data);
- ``matrix`` (:class:`MatrixFile`): a CSV of minutes between places exported from any routing
  engine; it wins over the estimate wherever it has the pair;
- ``osrm`` (:class:`Osrm`): a cluster's own OSRM server (``/table/v1/driving/``); when the
  server is down, slow or answers garbage, the estimate, marked as such.

Sources are found by name through :func:`get` (``get("matrix", path=...)``); :func:`register`
adds one. Places are reference place names or ``lat,lon`` (:func:`parse_place`).
"""

from __future__ import annotations

from .base import SOURCE_NAMES, Travel, TravelMatrix, TravelSource, get, names, register
from .estimate import Estimate
from .matrix_file import MatrixFile
from .osrm import Osrm
from .places import Place, parse_place, place, places

__all__ = ["SOURCE_NAMES", "Estimate", "MatrixFile", "Osrm", "Place", "Travel", "TravelMatrix", "TravelSource",
           "get", "names", "parse_place", "place", "places", "register", "travel"]

register("estimate", Estimate)
register("matrix", MatrixFile)
register("osrm", Osrm)


def travel(a: str | Place, b: str | Place, source: str = "estimate", **options) -> Travel:
    """Minutes and km from ``a`` to ``b`` (place names, ``lat,lon`` or places) by ``source``."""
    a = a if isinstance(a, Place) else parse_place(a)
    b = b if isinstance(b, Place) else parse_place(b)
    return get(source, **options).between(a, b)
