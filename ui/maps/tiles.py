"""An internal tile service under the board's map (PINGAN_TILE_URL); nothing without it.

Streamlit's pydeck chart cannot draw a deck.gl TileLayer of pictures (its sub-layers need a
JavaScript function, which the JSON spec cannot carry), so the tiles of one zoom level that
cover the map's opening view are drawn as picture layers (BitmapLayer), each from the URL
the template gives for it. Zooming in enlarges them; the boundaries stay sharp on top.
"""

from __future__ import annotations

import math

import pydeck as pdk

from db.settings import Settings
from ui.core.bridge import settings
from ui.maps.deck import Bounds

SERVED = "app/static/{z}/{x}/{y}.png"  # a folder of tiles the app serves (pingan serve)
MAX_TILES = 48  # layers: each costs a little in the first picture
ZOOMS = range(16, 9, -1)  # the finest level that covers the view in MAX_TILES or fewer


def template(conf: Settings | None = None) -> str | None:
    """The URL template the browser fetches tiles from, or None (no tiles, no request)."""
    conf = conf or settings()
    if not conf.tile_url:
        return None
    return SERVED if conf.tile_folder is not None else conf.tile_url


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    lat = max(min(lat, 85.0511), -85.0511)
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def _corner(x: int, y: int, z: int) -> tuple[float, float]:
    n = 2 ** z
    return (round(x / n * 360.0 - 180.0, 7),
            round(math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n)))), 7))


def tiles(box: Bounds) -> tuple[int, list[tuple[int, int]]]:
    """The zoom level and the (x, y) tiles covering `box`."""
    for z in ZOOMS:
        x0, y0 = _tile(box[0], box[3], z)  # north-west
        x1, y1 = _tile(box[2], box[1], z)  # south-east
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_TILES or z == ZOOMS[-1]:
            return z, [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
    raise AssertionError("unreachable")  # pragma: no cover


def tile_layers(box: Bounds, conf: Settings | None = None) -> list[pdk.Layer]:
    """One picture layer per tile from the template; [] when no tile service is set."""
    url = template(conf)
    if url is None:
        return []
    z, found = tiles(box)
    layers = []
    for x, y in found:
        west, north = _corner(x, y, z)
        east, south = _corner(x + 1, y + 1, z)
        image = url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
        # quoted: pydeck would otherwise read a relative path ending in .png from the disk
        # (to inline it), or send another URL as an expression
        layers.append(pdk.Layer("BitmapLayer", id=f"tile_{z}_{x}_{y}", image=f"'{image}'",
                                bounds=[west, south, east, north], pickable=False))
    return layers
