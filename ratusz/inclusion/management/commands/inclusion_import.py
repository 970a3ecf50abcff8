"""`manage.py inclusion_import FILE --gmina HOST --programme NAME [--dry-run]`:
a gmina's existing register from a spreadsheet (see inclusion/importing.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratusz.gminas.models import Gmina
from ratusz.inclusion import importing
from ratusz.inclusion.models import Programme


class Command(BaseCommand):
    help = (
        "Importuje rejestr sprzętu i gospodarstw programu e-Integracji z arkusza "
        "CSV lub XLSX (kolumny: " + ", ".join(importing.COLUMNS) + "). Przy "
        "jakimkolwiek błędzie nie importuje niczego; ponowne uruchomienie nie "
        "tworzy duplikatów."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="plik .csv albo .xlsx")
        parser.add_argument("--gmina", required=True, help="adres (host) strony gminy")
        parser.add_argument("--programme", required=True, help="nazwa programu")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="tylko sprawdź plik i wypisz, co zostałoby utworzone",
        )

    def handle(self, *args, file, gmina, programme, dry_run, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Nie da się odczytać pliku {file}: {error}") from None
        found = Gmina.objects.filter(site__hostname=gmina.split(":")[0].lower()).first()
        if found is None:
            raise CommandError(f"Nie ma gminy pod adresem {gmina}.")
        name = " ".join(programme.split())
        programmes = list(Programme.objects.filter(gmina=found).order_by("name"))
        target = next((p for p in programmes if p.name == name), None)
        if target is None:
            # A dash typed as "-" or a name without Polish letters still finds it.
            alike = [
                p for p in programmes if importing.fold(p.name) == importing.fold(name)
            ]
            target = alike[0] if len(alike) == 1 else None
        if target is None:
            listed = "; ".join(f"„{p.name}”" for p in programmes) or "brak"
            raise CommandError(
                f"{found.name} nie ma programu „{name}”. Programy gminy: {listed}."
            )
        result = importing.run(found, target, data, dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Błędy w pliku: {len(result.problems)}. Nic nie zaimportowano."
            )
        for line in result.summary():
            self.stdout.write(line)
