from django import forms

from .models import FacebookPage


class FacebookPageForm(forms.ModelForm):
    """The Page settings; the token is write-only (never rendered back)."""

    new_token = forms.CharField(
        label="Nowy token strony",
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Token dostępu strony (Page access token) z uprawnieniem "
        "pages_manage_posts. Zostaw puste, aby zachować zapisany token.",
    )
    remove_token = forms.BooleanField(label="Usuń zapisany token", required=False)

    class Meta:
        model = FacebookPage
        fields = ["enabled", "page_id", "post_as"]

    def clean_new_token(self):
        token = self.cleaned_data["new_token"]
        if token and (len(token) < 20 or any(c.isspace() for c in token)):
            raise forms.ValidationError(
                "To nie wygląda na token Facebooka: wklej cały token, bez spacji."
            )
        return token

    def clean(self):
        data = super().clean()
        has_token = data.get("new_token") or (
            self.instance.access_token and not data.get("remove_token")
        )
        if data.get("enabled") and has_token and not data.get("page_id"):
            self.add_error("page_id", "Podaj identyfikator strony.")
        return data
