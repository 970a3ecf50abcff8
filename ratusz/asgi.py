"""ASGI entry point: the public page cache answers before Django's full stack."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratusz.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from ratusz.website.pagecache import PageCacheApp  # noqa: E402

application = PageCacheApp(django_application)
