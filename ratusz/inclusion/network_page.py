"""The public page "Darmowy internet w gminie" (`/darmowy-internet/`).

The gmina's access points with their state and how to connect, as plain
HTML: no JavaScript. Where `settings.NETWORK_MAP_TILE_URL` names a tile
server, a map is drawn above the list as an SVG of tile images with numbered
markers (the visitor's browser fetches the tiles; CSP `img-src` allows that
one origin, see settings). The list says everything the map shows.

The page is kept by the public page cache (`website/pagecache.py`) under the
dependency tag `network_tag(gmina)`: a change of an access point's state or
record marks it stale after commit (`mark_stale`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ratusz.gminas.models import Gmina
from ratusz.website import pagecache

from .network import AccessPoint

TILE = 256
MAP_WIDTH, MAP_HEIGHT = 768, 432
MAP_PADDING = 48
MAX_ZOOM, MIN_ZOOM = 17, 8


def network_tag(gmina_id: int) -> str:
    return f"inclusion-network:{gmina_id}"


def mark_stale(gmina_id: int) -> None:
    """Mark the gmina's public network page stale once the transaction commits."""
    pagecache.invalidate_on_commit(
        stale=pagecache.Selection(tags={network_tag(gmina_id)})
    )


# What the worker writes on every check; a change of state marks the page
# itself (network_checks._set_state), so a check that changes nothing keeps it.
WORKER_FIELDS = frozenset(
    {"state", "state_since", "last_checked_at", "last_error", "next_check_at"}
)


def on_access_point_change(sender, instance, update_fields=None, **kwargs) -> None:
    """post_save / post_delete of an AccessPoint (connected in apps.py)."""
    if update_fields and WORKER_FIELDS.issuperset(update_fields):
        return
    mark_stale(instance.gmina_id)
    # Every page's footer links here while the gmina has a public access
    # point (`has_public_network`); a staff edit may add the first one or
    # retire the last, and is rare enough to stale the whole site.
    site_id = (
        Gmina.objects.filter(pk=instance.gmina_id)
        .values_list("site_id", flat=True)
        .first()
    )
    if site_id is not None:
        pagecache.invalidate_on_commit(stale=pagecache.Selection(sites={site_id}))


def has_public_network(gmina) -> bool:
    """Whether /darmowy-internet/ shows anything for the gmina (one query)."""
    return AccessPoint.objects.for_gmina(gmina).public().exists()


# The map -------------------------------------------------------------------


def _world_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel of a point at `zoom` (the tile servers' projection)."""
    scale = TILE * 2**zoom
    lat = max(min(lat, 85.0511), -85.0511)
    x = (lon + 180.0) / 360.0 * scale
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return x, y


@dataclass
class Marker:
    number: int
    point: AccessPoint
    x: str
    y: str


def map_geometry(points: list[AccessPoint], tile_url: str) -> dict | None:
    """Tiles and markers of a MAP_WIDTH × MAP_HEIGHT map showing every located
    point, at the closest zoom that fits them (None: nothing to show)."""
    located = [(n, p) for n, p in enumerate(points, 1) if p.has_location()]
    if not tile_url or not located:
        return None
    coords = [(float(p.latitude), float(p.longitude)) for _n, p in located]
    zoom = MIN_ZOOM
    for candidate in range(MAX_ZOOM, MIN_ZOOM - 1, -1):
        pixels = [_world_pixel(lat, lon, candidate) for lat, lon in coords]
        xs, ys = [x for x, _y in pixels], [y for _x, y in pixels]
        if (
            max(xs) - min(xs) <= MAP_WIDTH - 2 * MAP_PADDING
            and max(ys) - min(ys) <= MAP_HEIGHT - 2 * MAP_PADDING
        ):
            zoom = candidate
            break
    pixels = [_world_pixel(lat, lon, zoom) for lat, lon in coords]
    xs, ys = [x for x, _y in pixels], [y for _x, y in pixels]
    left = (min(xs) + max(xs)) / 2 - MAP_WIDTH / 2
    top = (min(ys) + max(ys)) / 2 - MAP_HEIGHT / 2
    tiles = []
    last = 2**zoom - 1
    for ty in range(int(top // TILE), int((top + MAP_HEIGHT) // TILE) + 1):
        for tx in range(int(left // TILE), int((left + MAP_WIDTH) // TILE) + 1):
            if 0 <= ty <= last:
                url = (
                    tile_url.replace("{z}", str(zoom))
                    .replace("{x}", str(tx % (last + 1)))
                    .replace("{y}", str(ty))
                )
                tiles.append(
                    {"url": url, "x": _n(tx * TILE - left), "y": _n(ty * TILE - top)}
                )
    markers = [
        Marker(number, point, _n(x - left), _n(y - top))
        for (number, point), (x, y) in zip(located, pixels, strict=True)
    ]
    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "tile": TILE,
        "tiles": tiles,
        "markers": markers,
    }


def _n(value: float) -> str:
    # SVG attributes need a dot, whatever the template's locale does to floats.
    return f"{value:.1f}"


# The view ------------------------------------------------------------------


@require_safe
def free_internet(request):
    gmina = Gmina.for_request_or_404(request)
    points = list(AccessPoint.objects.for_gmina(gmina).public())
    if not points:
        raise Http404
    pagecache.mark_cacheable(request)
    pagecache.add_dependency(network_tag(gmina.pk))
    working = [p for p in points if p.status == AccessPoint.Status.ACTIVE]
    return render(
        request,
        "inclusion/network/public.html",
        {
            "points": points,
            "up": sum(p.state == AccessPoint.State.UP for p in working),
            "working": len(working),
            "map": map_geometry(points, settings.NETWORK_MAP_TILE_URL),
            "attribution": settings.NETWORK_MAP_ATTRIBUTION,
            "now": timezone.now(),
        },
    )
