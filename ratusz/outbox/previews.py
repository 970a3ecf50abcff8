"""What an article will look like on each channel, before it is published.

The editor's preview and the live counters in the edit form use these. The
texts follow what the composers send: `ratusz.fans.messages` for e-mail, push
and SMS; for Facebook and Mastodon the editor's text (or the lead) with the
article's link added by the network integration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.text import Truncator

from ratusz.fans.messages import sms_text
from ratusz.integrations.mastodon import text as mastodon_text
from ratusz.integrations.sms.gsm import SmsCount
from ratusz.integrations.sms.gsm import count as sms_length

# One counting rule for the preview and the transport (verified sources there).
MASTODON_LIMIT = mastodon_text.LIMIT
MASTODON_URL_LENGTH = mastodon_text.URL_LENGTH
mastodon_length = mastodon_text.length


def mastodon_status(text: str, url: str) -> str:
    return f"{text}\n\n{url}" if url else text


@dataclass
class ChannelPreview:
    channel: str
    label: str
    sent: bool
    # Why nothing goes out on this channel (when `sent` is False).
    reason: str = ""
    subject: str = ""
    text: str = ""
    url: str = ""
    notes: list[str] = field(default_factory=list)
    sms: SmsCount | None = None
    length: int | None = None
    limit: int | None = None

    @property
    def too_long(self) -> bool:
        return self.limit is not None and (self.length or 0) > self.limit


def article_previews(article, gmina) -> list[ChannelPreview]:
    """One preview per channel for the article as it is now (a draft too)."""
    url = article.get_full_url() or ""
    lead = article.lead or article.search_description or ""
    silent = "" if article.notify_followers else "Powiadomienia są wyłączone."
    previews = []

    email_text = render_to_string(
        "emails/article-body-text.txt",
        {
            "gmina": gmina,
            "article": article,
            "lead": lead,
            "url": url,
            "manage_url": "[link do ustawień obserwującego]",
            "unsubscribe_url": "[link do wypisania się]",
        },
    )
    previews.append(
        ChannelPreview(
            "email",
            "E-mail",
            not silent,
            silent,
            subject=article.title,
            text=email_text.strip(),
            url=url,
        )
    )
    previews.append(
        ChannelPreview(
            "push",
            "Powiadomienie w przeglądarce",
            not silent,
            silent,
            subject=article.title,
            text=Truncator(lead).chars(180),
            url=url,
        )
    )

    urgent = article.is_marked_urgent()
    sms = article.sms_text or (sms_text(article.title, url) if urgent else "")
    sms_reason = silent or (
        ""
        if sms
        else "SMS nie zostanie wysłany: artykuł nie jest pilny i nie ma treści SMS."
    )
    previews.append(
        ChannelPreview(
            "sms",
            "SMS",
            not sms_reason,
            sms_reason,
            text=sms,
            sms=sms_length(sms),
        )
    )

    facebook = article.facebook_text or lead
    previews.append(
        ChannelPreview(
            "facebook",
            "Facebook",
            not silent,
            silent,
            text=facebook,
            url=url,
            notes=["Wysyłany tylko, gdy gmina połączyła stronę na Facebooku."],
        )
    )

    mastodon = article.mastodon_text or "\n\n".join(
        part for part in (article.title, lead) if part
    )
    status = mastodon_status(mastodon, url)
    previews.append(
        ChannelPreview(
            "mastodon",
            "Mastodon",
            not silent,
            silent,
            text=status,
            length=mastodon_length(status),
            limit=MASTODON_LIMIT,
            notes=["Wysyłany tylko, gdy gmina połączyła konto w Mastodonie."],
        )
    )
    return previews
