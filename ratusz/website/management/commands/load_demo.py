"""`manage.py load_demo`: the demo gmina that `make run` serves."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from ratusz.website.demo import loader


class Command(BaseCommand):
    help = (
        "Tworzy (lub uzupełnia) przykładową Gminę Zawada Górna z artykułami i "
        "kontem redaktora. Można uruchamiać wielokrotnie."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Ustaw nowe hasło konta redaktora i wypisz je.",
        )

    def handle(self, *args, reset_password, **options):
        result = loader.load(reset_password=reset_password)
        site = result.gmina.site
        host = "127.0.0.1" if site.is_default_site else site.hostname
        base = os.environ.get("SITE_URL") or (
            f"http://{host}:{os.environ.get('PORT') or 8000}"
        )
        base = base.rstrip("/")
        if result.created:
            self.stdout.write(
                f"Utworzono przykładową gminę: {result.gmina.name} "
                f"({result.live_articles} artykułów)."
            )
        else:
            self.stdout.write(
                f"Przykładowa gmina {result.gmina.name} już istnieje; dodano "
                f"brakujące artykuły: {result.new_articles} "
                f"(opublikowanych: {result.live_articles})."
            )
        lines = [
            f"  Strona gminy:    {base}/",
            f"  Panel redakcji:  {base}/admin/",
            f"  Login redaktora: {result.editor.username}",
        ]
        if result.password:
            lines.append(
                f"  Hasło:           {result.password}  "
                "(zapisz je – pokazujemy je tylko teraz)"
            )
        else:
            lines.append(
                "  Hasło:           pokazane przy pierwszym uruchomieniu "
                "(nowe: manage.py load_demo --reset-password)"
            )
        if not settings.STAFF_MFA_REQUIRED:
            lines.append(
                "  Dwuetapowe logowanie: wyłączone w trybie demonstracyjnym "
                "(w produkcji wymagane: STAFF_MFA_REQUIRED=1, domyślnie)"
            )
        self.stdout.write("\n".join(lines))
