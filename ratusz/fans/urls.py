from django.urls import path

from . import sms_views, views

# Inside the language prefix (Polish at "/", English interface at "/en/").
urlpatterns = [
    path("obserwuj/", views.follow, name="fans-follow"),
    path("obserwuj/wyslano/", views.follow_sent, name="fans-follow-sent"),
    path("obserwuj/potwierdz/<str:token>/", views.confirm, name="fans-confirm"),
    path(
        "obserwuj/ustawienia/<str:token>/dane.json",
        views.my_data,
        name="fans-my-data",
    ),
    path("obserwuj/ustawienia/<str:token>/usun/", views.erase, name="fans-erase"),
    path(
        "obserwuj/ustawienia/<str:token>/",
        views.manage,
        name="fans-manage",
    ),
    path(
        "obserwuj/wypisz/<str:token>/<str:channel>/",
        views.unsubscribe,
        name="fans-unsubscribe",
    ),
    # SMS: the number, then the code the SMS provider sent.
    path("obserwuj/sms/", sms_views.signup, name="fans-sms-signup"),
    path("obserwuj/sms/kod/<str:token>/", sms_views.confirm, name="fans-sms-confirm"),
]
