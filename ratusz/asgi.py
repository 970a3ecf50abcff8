"""ASGI entry point: the public page cache answers before Django's full stack."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratusz.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from ratusz.insights.front import SourceParamFront  # noqa: E402
from ratusz.lib.lifespan import LifespanApp  # noqa: E402
from ratusz.website.pagecache import PageCacheApp  # noqa: E402

# The source parameter of Ratusz's own links is read and dropped before the
# page cache looks the request up, so such links are answered from it too.
# Outermost, the lifespan: at a clean stop apps write what they hold in memory
# (the counted views), which Django's handler would refuse to hear about.
application = LifespanApp(SourceParamFront(PageCacheApp(django_application)))
