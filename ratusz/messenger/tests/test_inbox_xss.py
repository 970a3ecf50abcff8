"""Stored XSS corpus (SECURITY.md A7) through the staff inbox: message
bodies, resident names, attachment file names, saved replies, category and
staff names, rendered in the inbox list, the conversation view, the saved
replies list and the metrics page — always escaped, never raw."""

from html.parser import HTMLParser

from django.urls import reverse
from django.utils.html import escape

from ratusz.gminas.models import Category
from ratusz.messenger import services
from ratusz.messenger.models import Attachment, SavedReply
from ratusz.test import BaseTestCase

BASE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "<a href=javascript:alert(1)>klik</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=import href=data:text/html,<script>alert(1)</script>>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<blockquote class="twitter-tweet"><script async src=//evil/x.js></script>',
    '<iframe src="https://www.youtube.com/embed/x" onload=alert(1)></iframe>',
    "{{ 7*7 }}<script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
]
# Each payload also breaking out of an attribute, a quoted JS string and a
# comment: the ways a careless template or data-attribute would let it in.
WRAPPERS = ["{}", '"><{}', "'>{}", "--><!--{}", "\u202e{}"]
PAYLOADS = [w.replace("{}", p) for p in BASE for w in WRAPPERS]
ACTIVE_TAGS = {"iframe", "object", "embed", "isindex", "marquee", "video",
               "source", "math", "details", "form", "link", "meta", "style",
               "template", "noscript", "blockquote"}  # fmt: skip


class ActiveContent(HTMLParser):
    """Everything in a page that could run: event handlers, script URLs,
    scripts that are not ours, and tags our templates never write."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on") or value.startswith(("javascript:", "data:text")):
                self.found.append(f"<{tag} {name}={value[:60]}>")
        if tag == "script":
            src = attrs.get("src") or ""
            if src and not src.startswith(("/static/", "/admin/jsi18n/")):
                self.found.append(f"<script src={src[:60]}>")
            self._script = attrs.get("type") or "text/javascript"
        elif tag in ACTIVE_TAGS and tag not in ALLOWED_TAGS:
            self.found.append(f"<{tag}>")
        elif tag == "img" and attrs.get("src") == "x":
            self.found.append("<img src=x>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        # JSON data blocks (Wagtail's sidebar) are not run.
        if self._script and "json" not in self._script and "alert(" in data:
            self.found.append(f"<script>{data[:60]}")


# Tags the Wagtail admin chrome or our own forms do write.
ALLOWED_TAGS = {"form", "link", "meta", "template", "noscript", "style"}


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def assert_escaped(testcase, html: str, shown: list[str]):
    """Nothing that could run; every stored value appears escaped."""
    found = active_content(html)
    testcase.assertEqual(found, [], "active content in the page")
    # Forms, links and styles are ours: a payload's own would show raw.
    for value in shown:
        if "<" in value:
            testcase.assertNotIn(value, html, "raw payload")
        testcase.assertIn(escape(value), html, value)


class InboxXssCorpusTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        assert len(PAYLOADS) >= 100, len(PAYLOADS)
        cls.alice.first_name = "<img src=x onerror=alert(1)>"
        cls.alice.save(update_fields=["first_name"])
        cls.conversations = []
        for i, payload in enumerate(PAYLOADS):
            category = Category.objects.create(
                gmina=cls.gmina, name=payload[:80], slug=f"c{i}"
            )
            conversation, message, _ = services.open_conversation(
                cls.gmina,
                body=payload,
                resident_name=payload,
                category=category,
            )
            cls.conversations.append(conversation)
            Attachment.objects.create(
                message=message,
                file=f"messenger/x{i}.pdf",
                original_name=payload[:200],
                content_type="application/pdf",
                extension=".pdf",
                size=10,
            )
        cls.target = cls.conversations[0]
        for payload in PAYLOADS:
            services.receive(cls.target, payload)
            SavedReply.objects.create(
                gmina=cls.gmina, title=payload[:100], body=payload
            )
        services.reply(cls.target, cls.alice, PAYLOADS[1])
        services.add_note(cls.target, cls.alice, PAYLOADS[2])

    def setUp(self):
        self.client.force_login(self.alice)

    def test_inbox_list(self):
        url = reverse("messenger-inbox", args=[self.gmina.pk])
        pages = (len(PAYLOADS) + 24) // 25
        for number in range(1, pages + 1):
            response = self.client.get(url, {"p": number})
            shown = [c.resident_name for c in response.context["page"]]
            assert_escaped(self, response.content.decode(), shown)
        fragment = self.client.get(url, {"fragment": 1}).content.decode()
        assert_escaped(self, fragment, [])

    def test_conversation_view(self):
        self.target.refresh_from_db()
        url = reverse("messenger-conversation", args=[self.target.pk])
        html = self.client.get(url).content.decode()
        bodies = list(self.target.messages.values_list("body", flat=True))
        names = list(
            Attachment.objects.filter(message__conversation=self.target).values_list(
                "original_name", flat=True
            )
        )
        titles = list(SavedReply.objects.values_list("title", flat=True))
        assert_escaped(
            self, html, bodies + names + titles + [self.target.resident_name]
        )
        fragment = self.client.get(url, {"fragment": "messages"}).content.decode()
        assert_escaped(self, fragment, bodies)

    def test_saved_replies_list(self):
        html = self.client.get(
            reverse("messenger-saved-replies", args=[self.gmina.pk])
        ).content.decode()
        assert_escaped(
            self, html, list(SavedReply.objects.values_list("title", flat=True))
        )

    def test_metrics_page(self):
        html = self.client.get(
            reverse("messenger-stats", args=[self.gmina.pk])
        ).content.decode()
        names = list(
            Category.objects.filter(gmina=self.gmina).values_list("name", flat=True)
        )
        assert_escaped(self, html, names + [self.alice.first_name])
