from datetime import date

from django.core.management.base import BaseCommand

from ratusz.insights.rollup import roll_up


class Command(BaseCommand):
    help = (
        "Roll up finished days of page views and apply retention now. "
        "--since YYYY-MM-DD rolls up again every finished day from then on "
        "whose raw views are still kept, replacing its roll-ups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=date.fromisoformat, metavar="YYYY-MM-DD", default=None
        )

    def handle(self, *args, **options):
        done = roll_up(since=options["since"])
        self.stdout.write(
            f"Rolled up {done['days']} gmina-days; deleted {done['raw']} raw views, "
            f"{done['rollups']} old roll-ups, {done['salts']} salts."
        )
