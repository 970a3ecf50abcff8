"""Read one e-mail from standard input into the messenger (a Postfix pipe).

    # master.cf
    ratusz unix - n n - - pipe
      flags=Rq user=ratusz argv=/srv/ratusz/.venv/bin/python
      /srv/ratusz/manage.py receive_email --recipient ${recipient} --sender ${sender}

Exit status follows sysexits.h, which Postfix reads: 0 stored (or a
duplicate, or not for us: dropped), 75 (EX_TEMPFAIL) when it could not be
stored — Postfix keeps the message and tries again.
"""

import logging
import sys

from django.core.management.base import BaseCommand

from ratusz.lib.inbound_mail import MAX_BYTES
from ratusz.messenger import inbound

logger = logging.getLogger(__name__)

EX_TEMPFAIL = 75
EX_DATAERR = 65


class Command(BaseCommand):
    help = "Przyjmij jeden e-mail ze standardowego wejścia (potok z Postfiksa)."
    # Tests hand the message in through call_command(stdin=…).
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--recipient", action="append", default=[])
        parser.add_argument("--sender", default="")

    def handle(self, *args, **options):
        source = options.get("stdin") or sys.stdin.buffer
        raw = source.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            self.stderr.write("message too big")
            sys.exit(EX_DATAERR)
        try:
            event = inbound.store_email(raw, options["recipient"], options["sender"])
        except Exception:  # the database is away: let the MTA retry
            logger.exception("an inbound e-mail could not be stored")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write("stored" if event is not None else "duplicate")
