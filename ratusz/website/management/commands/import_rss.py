from django.core.management.base import BaseCommand, CommandError

from ratusz.website.importers.common import ImportFailed, gmina_for
from ratusz.website.importers.rss import import_rss


class Command(BaseCommand):
    help = "Importuje wpisy z kanału RSS lub Atom (adres albo plik) jako artykuły."

    def add_arguments(self, parser):
        parser.add_argument("source", help="adres URL kanału albo ścieżka do pliku")
        parser.add_argument("--gmina", help="nazwa hosta lub id gminy")
        parser.add_argument(
            "--dry-run", action="store_true", help="sprawdź, ale niczego nie zapisuj"
        )

    def handle(self, *args, **options):
        try:
            summary = import_rss(
                options["source"],
                gmina=gmina_for(options["gmina"]),
                dry_run=options["dry_run"],
            )
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(str(summary)))
