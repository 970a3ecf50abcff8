"""`manage.py health`: the checks of `/health/` in full, for cron or an
operator at the console; exit status 1 when one fails. `--alert` also runs
the alert e-mails (for a set-up without a watching web process)."""

from django.core.management.base import BaseCommand, CommandError

from ratusz.operations import alerts, health


class Command(BaseCommand):
    help = "Stan Ratusza: baza danych, zadania w tle, kolejka, wysyłki."

    def add_arguments(self, parser):
        parser.add_argument(
            "--alert", action="store_true", help="wyślij też e-maile alertów"
        )

    def handle(self, *args, alert=False, **options):
        checks = health.run_all()
        for check in checks:
            mark = "OK  " if check.ok else "BŁĄD"
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
        if alert:
            for sent in alerts.evaluate():
                self.stdout.write(f"Wysłano alert: {sent}")
        if not health.healthy(checks):
            raise CommandError("Co najmniej jedno sprawdzenie nie przeszło.")
