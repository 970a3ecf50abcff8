"""Public URLs of the gminas app (outside the admin)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "potwierdz-adres-urzedu/<str:token>/",
        views.confirm_email,
        name="gminas-confirm-email",
    ),
]
