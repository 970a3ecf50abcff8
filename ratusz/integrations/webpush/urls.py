from django.urls import path

from . import views

# Outside the language prefix: the worker's scope is the whole site.
urlpatterns = [
    path("sw.js", views.service_worker, name="webpush-sw"),
    path("powiadomienia/subskrypcja/", views.subscribe, name="webpush-subscribe"),
    path("powiadomienia/wypisz/", views.unsubscribe, name="webpush-unsubscribe"),
    path("powiadomienia/odnow/", views.resubscribe, name="webpush-resubscribe"),
]
