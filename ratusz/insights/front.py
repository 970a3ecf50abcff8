"""The ASGI front that reads Ratusz's source parameter and drops it.

Outside the page cache (`asgi.py`): `/artykul/?z=e` reaches the cache and
Django as `/artykul/`, so it is answered from the cache like any other view,
and what Django renders (the canonical URL included) never carries it. The
source waits in the scope for the counting doors (`counting.py`).
"""

from ratusz.lib.source_links import split_source

from .counting import SOURCE_SCOPE_KEY


class SourceParamFront:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("query_string"):
            source, rest = split_source(scope["query_string"])
            if rest != scope["query_string"]:
                scope = dict(scope, query_string=rest)
                scope[SOURCE_SCOPE_KEY] = source
        return await self.app(scope, receive, send)
