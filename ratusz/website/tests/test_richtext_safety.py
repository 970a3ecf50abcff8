"""Rich text from a crafted POST or an import must not carry script into a page."""

import lxml.html

from ratusz.test import BaseTestCase, make_article

PAYLOADS = [
    '<script>alert("x")</script>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href="&#106;avascript:alert(1)">klik</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klik</a>',
    '<a href="vbscript:msgbox(1)">klik</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="background:url(javascript:alert(1))">styl</p>',
    '<div onmouseover="alert(1)">najedź</div>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<form action="https://evil.example/"><button>wyślij</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
    '"><script>alert(1)</script>',
    # Last: its unclosed <style> swallows whatever follows it.
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


class RichTextSafetyTestCase(BaseTestCase):
    def test_it_strips_script_from_article_bodies(self):
        body = "".join(f"<p>Akapit {i}</p>{p}" for i, p in enumerate(PAYLOADS))
        article = make_article(self.gmina, "Artykuł z pułapkami", body=body)

        r = self.client.get(article.url)
        self.assertEqual(r.status_code, 200)
        nonce = r.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        doc = lxml.html.fromstring(r.content)
        main = doc.get_element_by_id("tresc")

        self.assertIn("Akapit 19", main.text_content())
        for script in doc.iter("script"):
            self.assertEqual(script.get("nonce"), nonce)
        for style in doc.iter("style"):
            self.assertEqual(style.get("nonce"), nonce)
        bad_tags = {
            "iframe",
            "object",
            "embed",
            "form",
            "svg",
            "math",
            "base",
            "meta",
            "link",
            "style",
            "script",
        }
        for el in main.iter():
            if not isinstance(el.tag, str):
                continue
            self.assertNotIn(el.tag, bad_tags, lxml.html.tostring(el))
            for name, value in el.attrib.items():
                self.assertFalse(name.lower().startswith("on"), (el.tag, name))
                self.assertNotEqual(name.lower(), "style", el.tag)
                if name in ("href", "src"):
                    scheme = value.strip().lower().split(":", 1)[0]
                    self.assertNotIn(scheme, ("javascript", "data", "vbscript"), value)
