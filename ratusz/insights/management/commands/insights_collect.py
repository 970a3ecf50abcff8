from django.core.management.base import BaseCommand

from ratusz.insights.collecting import collect_all


class Command(BaseCommand):
    help = "Read the networks' numbers (Facebook, Mastodon) for every gmina now."

    def handle(self, *args, **options):
        done = collect_all()
        self.stdout.write(
            f"Ran {done['runs']} collector(s) for connected gminas; "
            f"{done['failures']} failed (see the log)."
        )
