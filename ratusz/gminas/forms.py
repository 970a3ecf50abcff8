"""Admin forms whose choices stop at the editing user's gmina.

Hiding another gmina's rows from a select is not enough on its own: each
form narrows the field's queryset, so a forged POST carrying another gmina's
id fails validation like any invalid choice.
"""

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.permissions import policy_registry

from ratusz.lib import polish

from . import services
from .models import Category, Gmina, Membership, User, Village


class PolishOrderIterator(ModelChoiceIterator):
    """Choices in Polish alphabetical order of their labels.

    The database orders names by code point ("Łazy" after "Zawada Górna");
    a gmina has tens of villages and categories, so they are sorted here.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: polish.sort_key(str(choice[1])))


def order_polish(field) -> None:
    """Make a model choice field list its choices in Polish order.

    Call before setting the field's queryset (which copies the choices to
    the widget).
    """
    field.iterator = PolishOrderIterator
    field.widget.choices = field.choices


def restrict_images(form, user) -> None:
    """Offer only images the user may choose, plus the ones already chosen."""
    if user is None or user.is_superuser:
        return
    image_model = get_image_model()
    choosable = policy_registry.get_by_type(image_model)
    choosable = choosable.instances_user_has_permission_for(user, "choose")
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or queryset.model is not image_model:
            continue
        current = getattr(form.instance, f"{name}_id", None)
        field.queryset = queryset.filter(
            Q(pk__in=choosable.values("pk")) | Q(pk=current)
        )


class GminaForm(WagtailAdminModelForm):
    """The gmina's own settings, edited by its administrators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_images(self, self.for_user)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email or "email" not in self.changed_data:
            return email
        others = Gmina.objects.exclude(pk=self.instance.pk)
        if others.filter(Q(email__iexact=email) | Q(inbound_email__iexact=email)):
            raise forms.ValidationError(
                _(
                    "Ten adres e-mail ma już inna gmina. Adres, na który mieszkańcy "
                    "piszą do urzędu, może należeć tylko do jednej gminy."
                )
            )
        return email

    def clean(self):
        cleaned = super().clean()
        # A renamed gmina gets new declined names, unless someone wrote them
        # by hand (a stored form that differs from the computed one).
        if "name" in self.changed_data:
            old = self.initial.get("name", "")
            for field, decline in (
                ("name_genitive", polish.gmina_genitive),
                ("name_locative", polish.gmina_locative),
            ):
                if field not in self.changed_data and self.initial.get(
                    field
                ) == decline(old):
                    cleaned[field] = ""
        return cleaned


class CreateGminaForm(WagtailAdminModelForm):
    """A new gmina: its name and the host name its site answers on."""

    hostname = forms.CharField(
        label=gettext_lazy("adres (domena)"),
        max_length=255,
        help_text=gettext_lazy("np. zawada.example.pl (bez https://)"),
    )

    def clean_hostname(self):
        hostname = self.cleaned_data["hostname"].strip().lower().rstrip(".")
        if "/" in hostname or ":" in hostname or " " in hostname:
            raise forms.ValidationError(_("Podaj samą domenę, np. zawada.example.pl."))
        if Site.objects.filter(hostname=hostname).exists():
            raise forms.ValidationError(_("Ta domena jest już używana."))
        return hostname

    def save(self, commit=True):
        return services.create_gmina(
            name=self.cleaned_data["name"],
            short_name=self.cleaned_data["short_name"],
            hostname=self.cleaned_data["hostname"],
        )


class GminaOwnedForm(WagtailAdminModelForm):
    """A village or category: its gmina is one the user administers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "gmina" not in self.fields:
            return
        field = self.fields["gmina"]
        field.queryset = Gmina.objects.administered_by(self.for_user)
        if self.instance.pk:
            # A village does not move between gminas; a disabled field ignores
            # whatever the POST says.
            field.disabled = True
        elif field.queryset.count() == 1:
            field.initial = field.queryset.get()
            field.disabled = True

    def clean(self):
        cleaned_data = super().clean()
        # Fill in the slug here, not in save(), so that the (gmina, slug)
        # constraint is validated as a form error rather than a crash.
        if not cleaned_data.get("slug") and cleaned_data.get("name"):
            slug = slugify(polish.fold(cleaned_data["name"]))[:80] or "bez-nazwy"
            cleaned_data["slug"] = slug
        return cleaned_data


class GminaPageForm(WagtailAdminPageForm):
    """Page form whose category and village choices belong to the page's gmina.

    The gmina is that of the site the parent page belongs to; the parent is
    given both when creating and when editing a page.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        gmina = self._page_gmina()
        for name, model in (("category", Category), ("villages", Village)):
            if name in self.fields:
                order_polish(self.fields[name])
                self.fields[name].queryset = (
                    model.objects.filter(gmina=gmina)
                    if gmina is not None
                    else model.objects.none()
                )
        restrict_images(self, self.for_user)

    def _page_gmina(self):
        page = self.parent_page
        if page is None and self.instance.pk:
            page = self.instance.get_parent()
        if page is None:
            return None
        return Gmina.objects.for_page(page)


class MemberRoleForm(forms.Form):
    """A staff member's role in one gmina: one of the gmina roles, nothing
    more (being a superuser is not a role a gmina can give)."""

    role = forms.ChoiceField(
        label=gettext_lazy("Rola"), choices=Membership.Role.choices
    )


class AddMemberForm(MemberRoleForm):
    username = forms.CharField(
        label=gettext_lazy("Login konta"),
        max_length=150,
        help_text=gettext_lazy(
            "Konto musi już istnieć: zakłada je administrator instalacji."
        ),
    )
    field_order = ["username", "role"]

    def __init__(self, *args, gmina: Gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.gmina = gmina

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Nie ma aktywnego konta o loginie „%(login)s”.") % {"login": username}
            )
        if Membership.objects.filter(gmina=self.gmina, user=user).exists():
            raise forms.ValidationError(
                _("To konto ma już rolę w tej gminie: zmień ją na liście.")
            )
        self.user = user
        return username
