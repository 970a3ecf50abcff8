from csp.middleware import CSPMiddleware
from django.conf import settings

# The Wagtail admin renders inline scripts and styles of its own, so it cannot
# run under the strict nonce policy of the public pages.
ADMIN_POLICY = {
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "connect-src": ["'self'"],
}
ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PREFIXES) or getattr(
            request, "is_preview", False
        ):
            response._csp_replace = ADMIN_POLICY
        return super().process_response(request, response)


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY on every response (public and admin).

    The page cache (pagecache.py) stores and replays the header with the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


# WordPress addresses of the form "/?p=123" (posts), "/?page_id=7" (pages).
WORDPRESS_QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag")


class LegacyQueryRedirectMiddleware:
    """Redirect old WordPress query addresses ("/?p=123") to imported pages.

    Wagtail's RedirectMiddleware only acts on a 404, but "/?p=123" is the home
    page, which answers 200. The redirect is looked up by the WordPress keys
    alone, so tracking parameters ("&utm_source=…") do not hide it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method in ("GET", "HEAD"):
            keys = [k for k in WORDPRESS_QUERY_KEYS if k in request.GET]
            if keys:
                response = self._redirect(request, keys)
                if response is not None:
                    return response
        return self.get_response(request)

    def _redirect(self, request, keys):
        from urllib.parse import urlencode

        from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
        from wagtail.contrib.redirects.middleware import get_redirect
        from wagtail.contrib.redirects.models import Redirect

        query = urlencode([(k, request.GET[k]) for k in keys])
        redirect = get_redirect(request, Redirect.normalise_path(f"/?{query}"))
        if redirect is None or redirect.link is None:
            return None
        if redirect.is_permanent:
            return HttpResponsePermanentRedirect(redirect.link)
        return HttpResponseRedirect(redirect.link)
