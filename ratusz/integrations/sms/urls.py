from django.urls import path

from . import webhook

# Outside the language prefix: SMSAPI calls this address.
urlpatterns = [
    path("smsapi/<str:secret>/", webhook.inbound, name="sms-inbound"),
]
