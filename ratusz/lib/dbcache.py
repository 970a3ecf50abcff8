"""The embedded set-up's cache: one table shared by every process.

Without Redis, each web process (granian worker) and the worker had its own
memory cache, so every rate limit counted per process: two workers let twice
the limit through. Django's DatabaseCache is shared, but its `incr` is
get-then-set (two processes read 5 and both write 6) and resets the key's
expiry to the default timeout. `incr` here reads and writes the row in one
transaction holding its lock, and keeps the expiry:

- PostgreSQL: `SELECT … FOR UPDATE` makes a second incr wait for the first
  to commit, then read its value.
- SQLite: settings open every transaction with BEGIN IMMEDIATE, which takes
  the database's write lock before the read.

The table is made by `createcachetable` (run after every `migrate`, see
ratusz.website.apps; Django's test runner makes it for test databases).
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')}, {quote_name('expires')} "
                f"FROM {table} WHERE {quote_name('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expires(connection, row[1]) < tz_now():
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(
                base64.b64decode(connection.ops.process_clob(row[0]).encode())
            )
            value += delta
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol))
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s "
                f"WHERE {quote_name('cache_key')} = %s",
                [pickled.decode("latin1"), key],
            )
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)

    @staticmethod
    def _expires(connection, value):
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value
