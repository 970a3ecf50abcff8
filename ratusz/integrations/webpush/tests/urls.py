"""The project's URLs plus a follow page like the fans app's, for browser tests.

The real follow page (`/obserwuj/`) includes "webpush/subscribe.html" in its
form; this one does the same with checkboxes for topics and villages.
"""

from django.http import Http404, HttpResponse
from django.template import engines
from django.urls import path
from wagtail.models import Site

from ratusz import urls as project

PAGE = """{% extends "base.html" %}
{% block title %}Obserwuj gminę{% endblock %}
{% block content %}
<h1>Obserwuj gminę</h1>
<form method="post" action="">
  <fieldset>
    <legend>Tematy</legend>
    {% for category in gmina.categories.all %}
    <p><label><input type="checkbox" name="topics" value="{{ category.pk }}">
      {{ category.name }}</label></p>
    {% endfor %}
  </fieldset>
  <fieldset>
    <legend>Sołectwa</legend>
    {% for village in gmina.villages.all %}
    <p><label><input type="checkbox" name="villages" value="{{ village.pk }}">
      {{ village.name }}</label></p>
    {% endfor %}
  </fieldset>
  {% include "webpush/subscribe.html" %}
</form>
{% endblock %}"""


def follow(request):
    if getattr(Site.find_for_request(request), "gmina", None) is None:
        raise Http404
    return HttpResponse(engines["django"].from_string(PAGE).render({}, request))


urlpatterns = [path("test-obserwuj/", follow), *project.urlpatterns]
handler404 = project.handler404
handler500 = project.handler500
