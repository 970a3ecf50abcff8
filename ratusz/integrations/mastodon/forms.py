from urllib.parse import urlsplit

from django import forms

from ratusz.lib import http

from .models import MastodonAccount


def clean_instance_url(value: str) -> str:
    """Return "https://host[:port]" for a public Mastodon server, or raise."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise forms.ValidationError("To nie jest poprawny adres serwera.") from error
    if parts.scheme != "https":
        raise forms.ValidationError(
            "Adres serwera musi zaczynać się od https:// (połączenie szyfrowane)."
        )
    if not parts.hostname or parts.username or parts.password:
        raise forms.ValidationError(
            "Podaj sam adres serwera, np. https://mastodon.social."
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise forms.ValidationError(
            "Podaj sam adres serwera, bez ścieżki (np. https://mastodon.social, "
            "a nie adres profilu)."
        )
    try:
        http.resolve(parts.hostname, port or 443)
    except http.BlockedHost as error:
        raise forms.ValidationError(
            "Ten adres prowadzi do sieci wewnętrznej – wolno łączyć się tylko z "
            "serwerami w internecie."
        ) from error
    except http.FetchError as error:
        raise forms.ValidationError(
            "Nie można znaleźć serwera %(host)s. Sprawdź adres.",
            params={"host": parts.hostname},
        ) from error
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"https://{host}" + (f":{port}" if port and port != 443 else "")


class MastodonAccountForm(forms.ModelForm):
    """The account settings; the token is write-only (never rendered back)."""

    instance_url = forms.CharField(
        label="Adres serwera",
        required=False,
        max_length=200,
        help_text="np. https://mastodon.social – tylko https.",
    )
    new_token = forms.CharField(
        label="Nowy token dostępu",
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Z Preferencje → Development → Nowa aplikacja (uprawnienia "
        "read:accounts i write:statuses). Zostaw puste, aby zachować zapisany.",
    )
    remove_token = forms.BooleanField(label="Usuń zapisany token", required=False)

    class Meta:
        model = MastodonAccount
        fields = ["enabled", "instance_url", "visibility"]

    def clean_instance_url(self):
        return clean_instance_url(self.cleaned_data["instance_url"])

    def clean_new_token(self):
        token = self.cleaned_data["new_token"]
        if token and (len(token) < 20 or any(c.isspace() for c in token)):
            raise forms.ValidationError(
                "To nie wygląda na token Mastodona: wklej cały token, bez spacji."
            )
        return token

    def clean(self):
        data = super().clean()
        has_token = data.get("new_token") or (
            self.instance.access_token and not data.get("remove_token")
        )
        if (
            data.get("enabled")
            and has_token
            and "instance_url" in data
            and not data["instance_url"]
        ):
            self.add_error("instance_url", "Podaj adres serwera.")
        return data
