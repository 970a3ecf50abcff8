"""What the raw views table costs on every flush: one index, no more."""

from django.db import connection
from django.test import TestCase

from ratusz.insights.models import ViewEvent


class ViewEventIndexesTestCase(TestCase):
    def test_the_raw_views_keep_one_index_besides_the_primary_key(self):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(
                cursor, ViewEvent._meta.db_table
            )
        indexes = [
            c["columns"]
            for c in constraints.values()
            if (c["index"] or c["unique"]) and not c["primary_key"]
        ]
        # Roll-up, retention and a gmina's deletion all look up (gmina, day).
        self.assertEqual(indexes, [["gmina_id", "day"]])
