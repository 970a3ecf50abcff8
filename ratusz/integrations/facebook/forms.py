from django import forms

from .models import PAGE_TAKEN, FacebookPage
from .services import PageNotVerified, verify_page


class FacebookPageForm(forms.ModelForm):
    """The Page settings; the token is write-only (never rendered back).

    A new Page id or a new token is saved only once Facebook confirms that the
    token is that Page's (`services.verify_page`), so no gmina can take over
    another's Page (and its Messenger conversations) by typing its id.
    """

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

    def clean_page_id(self):
        page_id = self.cleaned_data["page_id"]
        others = FacebookPage.objects.exclude(pk=self.instance.pk)
        if page_id and others.filter(page_id=page_id).exists():
            raise forms.ValidationError(PAGE_TAKEN)
        return page_id

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        page_id, new_token = data.get("page_id"), data.get("new_token")
        token = new_token or (
            "" if data.get("remove_token") else self.instance.access_token
        )
        if data.get("enabled") and token and not page_id:
            self.add_error("page_id", "Podaj identyfikator strony.")
        stored = FacebookPage.objects.filter(pk=self.instance.pk).first()
        changed = stored is None or stored.page_id != page_id or bool(new_token)
        if not page_id or not changed:
            return data
        if not token:
            self.add_error(
                "new_token",
                "Podaj token strony: tylko z nim sprawdzimy u Facebooka, że "
                "strona należy do gminy.",
            )
            return data
        try:
            data["page_name"] = verify_page(page_id, token)
        except PageNotVerified as error:
            self.add_error("new_token" if new_token else "page_id", str(error))
        return data
