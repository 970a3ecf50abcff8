"""An SMTP server taking residents' e-mail for the messenger.

Run it next to the MTA, which forwards the messenger's addresses to it:

    # Postfix main.cf (MESSENGER_REPLY_DOMAIN=sprawy.example.pl)
    transport_maps = inline:{ sprawy.example.pl=smtp:[127.0.0.1]:2525 }

    manage.py messenger_mail_server --host 127.0.0.1 --port 2525

Recipients it does not know (not `sprawa+<token>@…`, not a gmina's inbox
address) are refused with 550; a message is answered 250 only once stored.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from ratusz.lib.inbound_mail import MailServer
from ratusz.messenger import inbound


class Command(BaseCommand):
    help = "Serwer SMTP przyjmujący e-maile mieszkańców do rozmów."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        server = MailServer(
            inbound.accepts_address,
            inbound.store_email,
            host=options["host"],
            port=options["port"],
        ).start()
        self.stdout.write(f"SMTP: {server.host}:{server.port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            server.stop()
