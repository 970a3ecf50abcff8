"""`manage.py mfa_reset USERNAME`: a staff member lost their phone and their
recovery codes; they set up the second factor again at the next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ratusz.gminas import mfa


class Command(BaseCommand):
    help = "Wyłącza drugi składnik konta (nowa konfiguracja przy logowaniu)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Nie ma użytkownika {username}.")
        mfa.reset(user)
        self.stdout.write(
            f"Drugi składnik konta {username} usunięty: przy następnym logowaniu "
            "skonfiguruje go od nowa."
        )
