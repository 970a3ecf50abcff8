"""The real ASGI application (uvicorn, page cache included) in a child
process, on a file SQLite database of its own, for the live-update tests.

Django's live_server is WSGI and cannot stream; the child serves
`ratusz.asgi:application` exactly as production does. The test talks to the
child's database through small scripts run in their own processes (the real
`services` functions), like ratusz/integrations/facebook/tests/test_kill.py.
"""

import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

from django.conf import settings

from ratusz.website.tests.live_site import child_env, prepare_site

OPEN = """
import json, sys
import django
django.setup()
from ratusz.gminas.models import Gmina
from ratusz.messenger import services
from ratusz.messenger.models import OfficeHours

gmina = Gmina.objects.get()
# Somebody is "available this evening": no automatic reply in the way.
OfficeHours.objects.update_or_create(
    gmina=gmina, defaults={"available_until": "2100-01-01T00:00:00Z"}
)
conversation, message, _ = services.open_conversation(gmina, body=sys.argv[1])
print(json.dumps({"token": conversation.token, "id": conversation.pk,
                  "message": message.pk}))
"""

REPLY = """
import json, sys
import django
django.setup()
from ratusz.gminas.models import User
from ratusz.messenger import services
from ratusz.messenger.models import Conversation

user, _ = User.objects.get_or_create(username="urzednik")
conversation = Conversation.objects.get(pk=int(sys.argv[1]))
message, _ = services.reply(conversation, user, sys.argv[2])
print(json.dumps({"id": message.pk}))
"""

COUNT = """
import sys
import django
django.setup()
from ratusz.messenger.models import Message
found = Message.objects.filter(conversation_id=int(sys.argv[1]), body=sys.argv[2])
print(found.count())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, var_dir, env, url, pid=None):
        self.var_dir = var_dir
        self.env = env
        self.url = url
        self.pid = pid  # the server's process

    def run(self, script: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            # A guard against a hang, not a speed limit: migrating took over
            # 180 s on a loaded 2-core machine (load average 10).
            timeout=900,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout.strip().splitlines()[-1]

    def open_conversation(self, body: str) -> dict:
        return json.loads(self.run(OPEN, body))

    def reply(self, conversation_id: int, body: str) -> int:
        return json.loads(self.run(REPLY, str(conversation_id), body))["id"]

    def count(self, conversation_id: int, body: str) -> int:
        return int(self.run(COUNT, str(conversation_id), body))


@contextmanager
def asgi_site(tmp_path, tmp_path_factory, **extra_env):
    """Yield a `Site` served by uvicorn; stop it afterwards."""
    prepare_site(tmp_path, tmp_path_factory.getbasetemp() / "live-site")
    env = child_env(tmp_path, **extra_env)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "ratusz.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[1][-3000:]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("uvicorn did not start listening") from None
                time.sleep(0.2)
        yield Site(tmp_path, env, f"http://127.0.0.1:{port}", server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
