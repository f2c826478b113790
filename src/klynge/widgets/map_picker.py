"""The map picker of the profile: a light map of the region where a member places its pin.

The map shows Trøndelag and Jämtland Härjedalen with the national border and the reference
municipalities as dots; the browser side (``widgets/profile/map.js``) draws it and moves the
pin with a click or the arrow keys. Whatever position the browser sends is clamped to the
region here, and the profile checks it again when it is saved.
"""

from __future__ import annotations

import math

import anywidget
import traitlets as tr

from .. import resources

__all__ = ["BORDER", "BOUNDS", "MapPicker"]

#: The part of the map the picker draws: Trøndelag and Jämtland Härjedalen, with a margin.
BOUNDS = {"south": 61.4, "north": 65.6, "west": 8.0, "east": 16.9}
#: The Norway-Sweden border through the region, approximately (lat, lon), south to north.
BORDER = [[61.4, 12.3], [62.0, 12.25], [62.3, 12.15], [62.6, 12.2], [62.9, 12.1], [63.3, 12.1], [63.6, 12.4],
          [63.9, 12.9], [64.2, 13.7], [64.5, 14.1], [64.9, 14.1], [65.3, 14.4], [65.6, 14.5]]


class MapPicker(anywidget.AnyWidget):
    """A light map of the region: the reference municipalities as dots and a pin to place.

    The pin moves with a click or the arrow keys (Shift for longer steps). The browser may move
    the pin; whatever it sends is clamped to the region, and the profile checks it again on saving.
    """

    _esm = resources.path("widgets", "profile", "map.js")
    _css = resources.path("widgets", "profile", "map.css")

    lat = tr.Float(None, allow_none=True, help="latitude of the pin, or None").tag(sync=True)
    lon = tr.Float(None, allow_none=True, help="longitude of the pin, or None").tag(sync=True)
    places = tr.List(tr.Dict(), help="the dots: code, name, lat, lon").tag(sync=True)
    selected = tr.Unicode("", help="the code of the chosen municipality").tag(sync=True)
    labels = tr.Dict(help="help, position and none, in the current language").tag(sync=True)
    bounds = tr.Dict(BOUNDS, help="south, north, west, east of the drawing").tag(sync=True)
    border = tr.List(BORDER, help="the national border as (lat, lon) points").tag(sync=True)

    @tr.validate("lat", "lon")
    def _inside(self, proposal):
        value = proposal["value"]
        if value is None:
            return None
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise tr.TraitError("a coordinate is a finite number")
        lo, hi = (BOUNDS["south"], BOUNDS["north"]) if proposal["trait"].name == "lat" else \
            (BOUNDS["west"], BOUNDS["east"])
        return round(min(hi, max(lo, float(value))), 4)

