"""Running every network's collector (`registry.py`) for its gminas.

The worker calls `collect_all` every 15 minutes (`tasks.py`);
`manage.py insights_collect` runs it now. Each collector decides itself what
is due (Facebook re-reads a post every few hours, Mastodon reads each
checkpoint once), so running often costs only the calls that are due.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from ratusz.gminas.models import Gmina

from . import registry

logger = logging.getLogger(__name__)


def collect_all(now=None) -> dict:
    """Run each collector for each gmina that has its network connected.

    A collector that raises (a bug, a database error) is logged and the
    others still run, for this gmina and the next. Returns counts:
    {"runs": …, "failures": …}.
    """
    now = now or timezone.now()
    done = {"runs": 0, "failures": 0}
    for network, collect in registry.collectors().items():
        connected = registry.connected_gminas(network)
        gminas = connected() if connected else Gmina.objects.order_by("pk")
        for gmina in gminas:
            done["runs"] += 1
            try:
                collect(gmina, now)
            except Exception:
                done["failures"] += 1
                logger.exception(
                    "insights: the %s collector failed for gmina %s", network, gmina.pk
                )
    return done
