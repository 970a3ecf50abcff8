"""SMSAPI's callback for SMS that residents send to the gmina (replies, STOP)."""

from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services, tasks
from .forms import InboundForm
from .models import SmsSettings


# SMSAPI calls without a session or CSRF token; the ≥128-bit secret in the
# path names and authenticates the gmina.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def inbound(request, secret):
    config = (
        SmsSettings.objects.filter(webhook_secret=secret)
        .select_related("gmina")
        .first()
    )
    if config is None or len(secret) < 22:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    form = InboundForm(data)
    if not form.is_valid():
        return HttpResponseBadRequest("ERROR", content_type="text/plain")
    # Stored first, processed by the worker after commit; a repeat is dropped
    # by the unique constraint and still acknowledged, so SMSAPI stops trying.
    event, created = services.record_inbound(config.gmina, form.cleaned_data, raw=data)
    if created:
        transaction.on_commit(lambda: tasks.process_inbound(event.pk))
    return HttpResponse("OK", content_type="text/plain")
