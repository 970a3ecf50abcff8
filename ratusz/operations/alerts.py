"""E-mail the administrator once per incident: when the worker stops, when
deliveries keep failing, and again when it is over.

Called every minute by the worker (it cannot report its own death) and by
each web process's watchdog; the one-open-alert-per-kind constraint makes
the first caller the one that sends. Mail goes out directly by SMTP, not
through the outbox, which needs the very worker that may be down.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import health
from .models import Alert

logger = logging.getLogger("ratusz.operations")

SUBJECTS = {
    Alert.Kind.WORKER: (
        "[Ratusz] Zadania w tle nie działają",
        "[Ratusz] Zadania w tle znów działają",
    ),
    Alert.Kind.DELIVERIES: (
        "[Ratusz] Wysyłki do mieszkańców nie wychodzą",
        "[Ratusz] Wysyłki do mieszkańców znów wychodzą",
    ),
}

OPENING = {
    Alert.Kind.WORKER: (
        "Proces zadań w tle (wysyłki, kopie, statystyki) nie zgłasza się.\n"
        "Sprawdź usługę ratusz-worker (systemctl status ratusz-worker) "
        "i jej dziennik."
    ),
    Alert.Kind.DELIVERIES: (
        "Wysyłki do mieszkańców (e-mail, SMS, powiadomienia, Facebook, "
        "Mastodon) czekają zbyt długo albo kończą się błędem.\n"
        "Ekran „Powiadomienia” artykułu pokazuje powód przy każdej wysyłce."
    ),
}


def recipients() -> list[str]:
    if settings.OPS_ALERT_EMAILS:
        return list(settings.OPS_ALERT_EMAILS)
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True)
    return sorted({email for email in admins.values_list("email", flat=True) if email})


def _checks_by_kind(now) -> dict[str, health.Check]:
    return {
        Alert.Kind.WORKER: health.worker(now),
        Alert.Kind.DELIVERIES: health.deliveries(now),
    }


def evaluate(now=None) -> list[Alert]:
    """Open, close and announce alerts from the current checks; returns the
    alerts whose e-mail this call sent."""
    now = now or timezone.now()
    announced = []
    for kind, check in _checks_by_kind(now).items():
        if not check.ok:
            alert = _open(kind, check.detail, now)
            if alert.notified_at is None and _announce(alert, "notified_at", now):
                announced.append(alert)
            continue
        Alert.objects.filter(kind=kind, closed_at__isnull=True).update(closed_at=now)
        # An incident nobody was told about needs no all-clear; a failed
        # all-clear is tried again at the next check.
        for alert in Alert.objects.filter(
            kind=kind,
            closed_at__isnull=False,
            notified_at__isnull=False,
            closing_notified_at__isnull=True,
        ):
            if _announce(alert, "closing_notified_at", now):
                announced.append(alert)
    return announced


def _open(kind, detail, now) -> Alert:
    try:
        with transaction.atomic():
            return Alert.objects.create(kind=kind, detail=detail, opened_at=now)
    except IntegrityError:
        return Alert.objects.get(kind=kind, closed_at__isnull=True)


def _announce(alert: Alert, field: str, now) -> bool:
    """Claim the e-mail (set `field`), send it, and give the claim back if
    sending failed: of two processes, only the one that claims sends."""
    claimed = Alert.objects.filter(pk=alert.pk, **{f"{field}__isnull": True})
    if not claimed.update(**{field: now}):
        return False
    if _send(alert, opening=field == "notified_at"):
        setattr(alert, field, now)
        return True
    Alert.objects.filter(pk=alert.pk).update(**{field: None})
    return False


def _send(alert: Alert, *, opening: bool) -> bool:
    to = recipients()
    if not to:
        logger.warning("Alert %s: no OPS_ALERT_EMAILS and no superuser e-mail", alert)
        return False
    subject = SUBJECTS[alert.kind][0 if opening else 1]
    if opening:
        body = f"{OPENING[alert.kind]}\n\nStan: {alert.detail}\n"
    else:
        body = f"Problem zgłoszony {alert.opened_at:%Y-%m-%d %H:%M} UTC minął.\n"
    body += "\nStan na bieżąco: manage.py health albo /health/ z HEALTH_TOKEN.\n"
    try:
        send_mail(subject, body, None, to)
    except Exception:
        # The next check tries again; the incident stays as it is meanwhile.
        logger.exception("Could not e-mail alert %s", alert)
        return False
    return True
