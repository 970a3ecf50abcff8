"""`manage.py clear_page_cache`: drop every cached public page."""

from django.core.management.base import BaseCommand

from ratusz.website import pagecache


class Command(BaseCommand):
    help = (
        "Usuwa wszystkie strony z pamięci podręcznej (np. po aktualizacji "
        "szablonów); kolejne wizyty zbudują je od nowa."
    )

    def handle(self, *args, **options):
        pagecache.clear()
        if options["verbosity"]:
            self.stdout.write("Wyczyszczono pamięć podręczną stron.")
