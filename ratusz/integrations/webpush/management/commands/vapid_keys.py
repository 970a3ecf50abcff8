from django.core.management.base import BaseCommand
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

from ratusz.integrations.webpush.vapid import Keys


class Command(BaseCommand):
    help = "Print a new VAPID key pair as lines for the environment file."

    def handle(self, *args, **options):
        vapid = Vapid()
        vapid.generate_keys()
        private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
        self.stdout.write(f"VAPID_PRIVATE_KEY={b64urlencode(private)}")
        self.stdout.write(f"VAPID_PUBLIC_KEY={Keys(vapid, '').public_key}")
