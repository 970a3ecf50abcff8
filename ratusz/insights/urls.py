from django.urls import path

from . import views

# Inside the language prefix ("/" Polish, "/en/" English interface).
urlpatterns = [
    path("statystyki/", views.statistics, name="insights-statistics"),
    path("statystyki/prywatnosc/", views.privacy, name="insights-privacy"),
]
