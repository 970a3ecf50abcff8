from django.urls import path

from . import views

# Outside the language prefix: SMSAPI calls this address.
urlpatterns = [
    path("smsapi/<str:secret>/", views.inbound, name="sms-inbound"),
]
