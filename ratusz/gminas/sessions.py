"""Staff sessions end after SESSION_IDLE_MINUTES without a request.

Each signed-in request moves the session's end, but the session is written
at most once a minute: saving it on every request (SESSION_SAVE_EVERY_REQUEST)
made the admin's parallel requests (sprites, fragments, streams) contend for
the session row. Residents have no session, so nothing is written for them.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

REFRESH_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="ratusz-session-active-at-login")
def _active_at_login(sender, request, user, **kwargs):
    # Signing in is activity: the next minute's requests write nothing.
    if request is not None and hasattr(request, "session"):
        request.session["_active"] = int(time.time())


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get("_active", 0) >= REFRESH_SECONDS:
                # A changed session is saved with a fresh expiry.
                session["_active"] = now
        return response
