from django.core.management.base import BaseCommand

from ratusz.insights.rollup import roll_up


class Command(BaseCommand):
    help = "Roll up finished days of page views and apply retention now."

    def handle(self, *args, **options):
        done = roll_up()
        self.stdout.write(
            f"Rolled up {done['days']} gmina-days; deleted {done['raw']} raw views, "
            f"{done['rollups']} old roll-ups, {done['salts']} salts."
        )
