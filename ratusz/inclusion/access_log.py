"""Who looked at the register's personal data, what and when.

Every screen, export, PDF and scan that shows a household's data calls
`record` (the views in `staff/`); coordinators and administrators read the
log on its own screen. The log names records by kind and id, never by the
person's name, so that it holds no more personal data than it must.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ratusz.gminas.models import Gmina


class AccessLog(models.Model):
    class Action(models.TextChoices):
        LIST = "list", "lista"
        VIEW = "view", "podgląd"
        EDIT = "edit", "zmiana"
        EXPORT = "export", "eksport"
        PDF = "pdf", "wydruk PDF"
        SCAN = "scan", "skan"

    gmina = models.ForeignKey(
        Gmina, on_delete=models.CASCADE, related_name="inclusion_access_log"
    )
    at = models.DateTimeField("kiedy", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="kto",
    )
    # The account's login as it was (the user row may be deleted later).
    login = models.CharField("konto", max_length=150)
    action = models.CharField("działanie", max_length=10, choices=Action.choices)
    subject = models.CharField("czego dotyczy", max_length=200)

    class Meta:
        verbose_name = "wpis rejestru dostępu"
        verbose_name_plural = "rejestr dostępu do danych osobowych"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.login} {self.action} {self.subject}"


def record(gmina: Gmina, user, action: str, subject: str) -> AccessLog:
    """Log that `user` saw or took `subject` (e.g. "gospodarstwo #12")."""
    return AccessLog.objects.create(
        gmina=gmina,
        user=user,
        login=user.get_username(),
        action=action,
        subject=subject[:200],
    )
