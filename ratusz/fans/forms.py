"""Residents' forms: following by e-mail or SMS and changing what they follow."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ratusz.gminas.forms import PolishOrderIterator
from ratusz.gminas.models import Category, Village
from ratusz.lib.phones import PhoneError, normalize_phone

from .models import Rhythm

# Nobody's address is this long; longer input is refused, never truncated.
MAX_EMAIL = 254
# The ways to follow a link may point at (`/obserwuj/?kanal=sms`).
CHANNELS = ("email", "push", "sms")
# Query parameters that preselect topics and villages, as on the news list.
CATEGORY_PARAM = "kategoria"
VILLAGE_PARAM = "solectwo"
# Longer lists of topics or villages fold away on the follow page.
LONG_LIST = 6
# More slugs than any gmina has: the rest of an overlong query is not read.
MAX_PRESELECTED = 100


def preselected_interests(query, gmina) -> dict:
    """Initial topics and villages from a link's `?kategoria=…&solectwo=…`.

    Slugs are looked up among this gmina's own categories and villages only;
    anything else (another gmina's, a typo, junk) is ignored, not an error.
    """

    def slugs(name):
        return [v for v in query.getlist(name)[:MAX_PRESELECTED] if len(v) <= 80]

    initial = {}
    topics = slugs(CATEGORY_PARAM)
    if topics:
        initial["topics"] = list(
            Category.objects.filter(gmina=gmina, slug__in=topics).values_list(
                "pk", flat=True
            )
        )
    villages = slugs(VILLAGE_PARAM)
    if villages:
        initial["villages"] = list(
            Village.objects.filter(gmina=gmina, slug__in=villages).values_list(
                "pk", flat=True
            )
        )
    return initial


def _no_control_characters(value: str) -> None:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise forms.ValidationError(
            _("Adres e-mail nie może zawierać znaków końca linii ani tabulacji.")
        )


class GminaChoicesField(forms.ModelMultipleChoiceField):
    """Ids checked before they reach the database (an overlong number would
    overflow SQLite's integer instead of being "no such choice").

    Choices are listed in Polish alphabetical order ("Łazy" before "Zawada").
    """

    iterator = PolishOrderIterator

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isascii() or not text.isdigit() or int(text) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20]},
                )
        return super()._check_values(value)


class InterestsForm(forms.Form):
    """Topics and villages; none ticked means all of them."""

    topics = GminaChoicesField(
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Tematy"),
        error_messages={
            "invalid_choice": _("Wybrany temat nie istnieje – odśwież stronę."),
            "invalid_pk_value": _("Wybrany temat nie istnieje – odśwież stronę."),
            "invalid_list": _("Nieprawidłowy wybór tematów."),
        },
    )
    villages = GminaChoicesField(
        queryset=Village.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sołectwa"),
        error_messages={
            "invalid_choice": _("Wybrane sołectwo nie istnieje – odśwież stronę."),
            "invalid_pk_value": _("Wybrane sołectwo nie istnieje – odśwież stronę."),
            "invalid_list": _("Nieprawidłowy wybór sołectw."),
        },
    )
    rhythm = forms.ChoiceField(
        choices=Rhythm.choices,
        initial=Rhythm.EACH,
        widget=forms.RadioSelect,
        label=_("Jak często wysyłać e-maile"),
        error_messages={
            "required": _("Wybierz, jak często wysyłać e-maile."),
            "invalid_choice": _("Wybierz, jak często wysyłać e-maile."),
        },
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Category.objects.filter(gmina=gmina)
        self.fields["villages"].queryset = Village.objects.filter(gmina=gmina)

    def choice_group(self, name: str) -> dict:
        """How one list of checkboxes is shown: its boxes, and whether it is
        long enough to fold away (a `<details>` saying how many are ticked)."""
        boxes = list(self[name])
        chosen = sum(1 for box in boxes if box.data["selected"])
        return {
            "boxes": boxes,
            "total": len(boxes),
            "chosen": chosen,
            "long": len(boxes) > LONG_LIST,
            # Open when something is ticked (a link preselected it) or wrong.
            "open": bool(chosen or self[name].errors),
        }

    def topics_group(self):
        return self.choice_group("topics")

    def villages_group(self):
        return self.choice_group("villages")


class FollowForm(InterestsForm):
    email = forms.CharField(
        label=_("Adres e-mail"),
        max_length=MAX_EMAIL,
        validators=[_no_control_characters, forms.EmailField.default_validators[0]],
        error_messages={
            "required": _("Podaj adres e-mail."),
            "max_length": _("Adres e-mail jest za długi (najwyżej 254 znaki)."),
            "invalid": _("Podaj poprawny adres e-mail, np. jan@example.pl."),
            "null_characters_not_allowed": _(
                "Adres e-mail zawiera niedozwolone znaki."
            ),
        },
        strip=False,
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Zaznacz zgodę na wiadomości e-mail, by obserwować gminę.")
        },
    )
    # A field people never see: bots that fill every input give themselves away.
    website = forms.CharField(required=False, max_length=10_000)

    field_order = ["email", "topics", "villages", "rhythm", "consent"]

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        if not value:
            raise forms.ValidationError(_("Podaj adres e-mail."))
        return value

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class SmsSignupForm(forms.Form):
    phone = forms.CharField(
        label=_("Numer telefonu komórkowego"),
        max_length=32,
        error_messages={"required": _("Podaj numer telefonu komórkowego.")},
    )
    # A separate, unticked consent (Prawo komunikacji elektronicznej, art. 398).
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Zaznacz zgodę na SMS-y — bez niej nie możemy ich wysyłać.")
        },
    )

    def clean_phone(self):
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except PhoneError as error:
            raise forms.ValidationError(str(error)) from None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kod z SMS-a"),
        max_length=20,
        error_messages={"required": _("Wpisz 6-cyfrowy kod z SMS-a.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit() or not code.isascii():
            raise forms.ValidationError(_("Kod ma 6 cyfr, np. 123456."))
        return code
