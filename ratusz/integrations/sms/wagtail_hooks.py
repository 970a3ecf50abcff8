from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ratusz.gminas.models import Gmina

from . import views


@hooks.register("register_admin_urls")
def register_sms_urls():
    return [
        path("sms/", views.index, name="sms-settings-index"),
        path("sms/<int:gmina_id>/", views.edit, name="sms-settings"),
    ]


class SmsMenuItem(MenuItem):
    def is_shown(self, request):
        return Gmina.objects.administered_by(request.user).exists()


@hooks.register("register_settings_menu_item")
def register_sms_menu_item():
    return SmsMenuItem(
        "SMS (SMSAPI)", reverse("sms-settings-index"), icon_name="mail", order=620
    )
