from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from ratusz.fans import urls as fans_urls
from ratusz.gminas import admin_urls as gminas_admin_urls
from ratusz.gminas import urls as gminas_urls
from ratusz.inclusion import urls as inclusion_urls
from ratusz.insights import urls as insights_urls
from ratusz.integrations.facebook import webhook as facebook_webhook
from ratusz.integrations.sms import urls as sms_urls
from ratusz.integrations.webpush import urls as webpush_urls
from ratusz.messenger import urls as messenger_urls
from ratusz.messenger.staff import urls as messenger_staff_urls
from ratusz.operations import urls as operations_urls
from ratusz.website import urls as website_urls

urlpatterns = [
    path("admin/", include(gminas_admin_urls)),
    # The inbox's live streams (async; they check access themselves).
    path("admin/", include(messenger_staff_urls.live_urlpatterns)),
    # The admin's search box: a case reference opens the case.
    path("admin/", include(messenger_staff_urls.search_urlpatterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumenty/", include(wagtaildocs_urls)),
    path("", include(webpush_urls)),
    path("sms/", include(sms_urls)),
    path("", include(gminas_urls)),
    path("", include(operations_urls)),
    path(
        "integracje/facebook/messenger/",
        facebook_webhook.webhook,
        name="facebook-messenger-webhook",
    ),
    path("", include(website_urls)),
]

# Django's own admin edits nothing Wagtail's admin does not (no ModelAdmin is
# registered); mounted only on request, so production has one admin and one
# login to defend.
if settings.DJANGO_ADMIN_ENABLED:
    urlpatterns.insert(3, path("django-admin/", admin.site.urls))

if settings.DEBUG or settings.TESTING:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages are Polish at "/"; the English interface lives under "/en/".
urlpatterns += i18n_patterns(
    path("", include(website_urls.i18n_urlpatterns)),
    path("", include(fans_urls)),
    path("", include(messenger_urls)),
    path("", include(insights_urls)),
    path("", include(inclusion_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "ratusz.website.views.page_not_found"
handler500 = "ratusz.website.views.server_error"
