from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from ratusz.gminas import services
from ratusz.lib.tasks import inline_tasks


class Command(BaseCommand):
    help = (
        "Utwórz gminę: witrynę z własną domeną, stronę główną, grupy i proces "
        "akceptacji."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="np. Gmina Zawada")
        parser.add_argument("--host", required=True, help="np. zawada.example.pl")
        parser.add_argument("--short-name", help="domyślnie nazwa bez „Gmina ”")
        parser.add_argument("--port", type=int, default=80)
        parser.add_argument(
            "--default", action="store_true", help="odpowiada na nieznane domeny"
        )

    def handle(self, *args, name, host, short_name, port, default, **options):
        host = host.strip().lower()
        if Site.objects.filter(hostname=host, port=port).exists():
            raise CommandError(f"Domena {host}:{port} jest już używana.")
        if default and Site.objects.filter(is_default_site=True).exists():
            raise CommandError("Domyślna witryna już istnieje.")
        with inline_tasks():  # see ratusz.lib.tasks
            gmina = services.create_gmina(
                name=name,
                short_name=short_name or name.removeprefix("Gmina ").strip() or name,
                hostname=host,
                port=port,
                is_default_site=default,
            )
        self.stdout.write(f"Utworzono: {gmina} (id {gmina.pk}) na {host}:{port}")
