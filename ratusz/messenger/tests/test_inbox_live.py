"""The inbox's live streams (Server-Sent Events): what they send, from which
id they resume, and that the ASGI stack (the public page cache in front)
passes them through unbuffered and never stores them."""

import re

from asgiref.sync import async_to_sync
from django.test import override_settings
from django.urls import reverse

from ratusz.messenger import services
from ratusz.test import BaseTestCase
from ratusz.website import pagecache


@async_to_sync
async def drain(response) -> str:
    return b"".join([c async for c in response.streaming_content]).decode()


@override_settings(MESSENGER_SSE_LIFETIME=0.2)
class StreamTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_inbox_stream_resumes_after_the_last_event_id(self):
        a, first, _ = services.open_conversation(self.gmina, body="Pierwsza")
        b, second, _ = services.open_conversation(self.gmina, body="Druga")
        services.open_conversation(self.other_gmina, body="Obca")
        url = reverse("messenger-inbox-events", args=[self.gmina.pk])
        response = self.client.get(url, headers={"last-event-id": str(first.pk)})
        self.assertEqual(response["Content-Type"], "text/event-stream; charset=utf-8")
        self.assertEqual(response["X-Accel-Buffering"], "no")
        self.assertIn("no-store", response["Cache-Control"])
        body = drain(response)
        last = b.messages.latest("pk").pk
        self.assertIn(f"id: {last}\n", body)
        self.assertIn(b.reference, body)
        self.assertNotIn(a.reference, body)

    def test_inbox_stream_without_an_id_starts_at_the_newest(self):
        services.open_conversation(self.gmina, body="Stara")
        body = drain(
            self.client.get(reverse("messenger-inbox-events", args=[self.gmina.pk]))
        )
        self.assertNotIn("RZ/", body)

    def test_a_message_between_the_page_and_its_stream_is_reported(self):
        # The page names where its stream starts: a resident who writes while
        # the page loads (before EventSource connects) is not skipped.
        services.open_conversation(self.gmina, body="Stara")
        page = self.client.get(reverse("messenger-inbox", args=[self.gmina.pk]))
        events_url = re.search(
            r'data-rz-events="([^"]+)"', page.content.decode()
        ).group(1)
        self.assertIn("?after=", events_url)
        fresh, _, _ = services.open_conversation(self.gmina, body="Świeża")
        body = drain(self.client.get(events_url.replace("&amp;", "&")))
        self.assertIn(fresh.reference, body)

    def test_conversation_stream_counts_new_resident_messages(self):
        conversation, first, _ = services.open_conversation(self.gmina, body="A")
        services.receive(conversation, "B")
        services.add_note(conversation, self.alice, "notatka")
        url = reverse("messenger-conversation-events", args=[conversation.pk])
        body = drain(self.client.get(url, {"after": first.pk}))
        self.assertIn('"resident": 1', body)
        last = conversation.messages.latest("pk").pk
        self.assertIn(f"id: {last}\n", body)


@override_settings(MESSENGER_SSE_LIFETIME=1.0)
class AsgiPassThroughTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_admin_and_stream_paths_bypass_the_page_cache(self):
        for path in (
            reverse("messenger-inbox-events", args=[self.gmina.pk]),
            reverse("messenger-inbox", args=[self.gmina.pk]),
        ):
            scope = {
                "type": "http",
                "method": "GET",
                "path": path,
                "query_string": b"",
                "headers": [(b"host", b"localhost")],
            }
            self.assertIsNone(pagecache.request_key(scope))
