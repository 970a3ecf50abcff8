"""Which fields look personal (`personal_data.looks_personal`), by their
class or their name."""

from django.db import models
from django.test import SimpleTestCase

from ratusz.lib import personal_data


def named(field: models.Field, name: str) -> models.Field:
    field.set_attributes_from_name(name)
    return field


class LooksPersonalTests(SimpleTestCase):
    def test_it_recognises_personal_fields(self):
        personal = [
            named(models.EmailField(), "contact"),
            named(models.GenericIPAddressField(), "seen_from"),
            named(models.CharField(max_length=9), "resident_phone"),
            named(models.CharField(max_length=9), "telephone"),
            named(models.CharField(max_length=9), "first_name"),
            named(models.CharField(max_length=9), "name"),
            named(models.CharField(max_length=9), "surname"),
            named(models.CharField(max_length=9), "nazwisko"),
            named(models.TextField(), "home_address"),
            named(models.CharField(max_length=9), "sender"),
            named(models.CharField(max_length=9), "ip"),
            named(models.CharField(max_length=9), "street"),
            named(models.CharField(max_length=9), "e_mail"),
        ]
        for field in personal:
            self.assertTrue(personal_data.looks_personal(field), field.name)
        plain = [
            named(models.CharField(max_length=9), "title"),
            named(models.SlugField(), "slug"),
            named(models.CharField(max_length=9), "token"),
            named(models.TextField(), "body"),
            named(models.CharField(max_length=9), "channel"),
            named(models.URLField(), "bip_url"),
        ]
        for field in plain:
            self.assertFalse(personal_data.looks_personal(field), field.name)
