"""Open streams read the database from a few shared threads (live.poll)."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, connection
from django.test import TransactionTestCase, override_settings

from ratusz.gminas.models import Gmina
from ratusz.lib import live

STREAMS = 60
POOL = 4


def _read():
    """What a stream's poll does: a query, on this thread's connection."""
    count = Gmina.objects.count()
    return threading.get_ident(), id(connection.connection), count


def _fail():
    connection.ensure_connection()
    raise DatabaseError("the server went away")


def _is_open():
    return connection.connection is not None


def _run_with_pool(coroutine_function):
    """Run on a loop whose default pool has POOL threads, and close every
    thread's connection at the end (the test database is dropped later)."""
    barrier = threading.Barrier(POOL)

    def close_this_threads_connection():
        barrier.wait(10)  # one call per thread
        connection.close()

    async def main():
        loop = asyncio.get_running_loop()
        pool = ThreadPoolExecutor(max_workers=POOL)
        loop.set_default_executor(pool)
        try:
            return await coroutine_function()
        finally:
            await asyncio.gather(
                *(
                    loop.run_in_executor(pool, close_this_threads_connection)
                    for _ in range(POOL)
                )
            )

    return asyncio.run(main())


@override_settings(LIVE_SHARED_DB_THREADS=True)
class SharedThreadTests(TransactionTestCase):
    serialized_rollback = True

    def test_many_streams_share_a_few_connections(self):
        async def many():
            return await asyncio.gather(*(live.poll(_read) for _ in range(STREAMS)))

        rows = _run_with_pool(many)
        self.assertEqual({count for _, _, count in rows}, {Gmina.objects.count()})
        self.assertNotIn(threading.get_ident(), {thread for thread, _, _ in rows})
        self.assertLessEqual(len({conn for _, conn, _ in rows}), POOL)


# The in-memory SQLite test database never closes a connection: this one
# exists on PostgreSQL only (the suite allows no skips).
@override_settings(LIVE_SHARED_DB_THREADS=True)
class BrokenConnectionTests(TransactionTestCase):
    serialized_rollback = True

    def test_no_broken_or_pooled_connection_is_kept(self):
        """A failed poll drops its connection; with PostgreSQL's pool every
        poll hands its connection back."""

        async def fail_then_look():
            # Every pool thread fails once, then each says if it kept a connection.
            for outcome in await asyncio.gather(
                *(live.poll(_fail) for _ in range(POOL)), return_exceptions=True
            ):
                self.assertIsInstance(outcome, DatabaseError)
            return await asyncio.gather(*(live.poll(_is_open) for _ in range(POOL)))

        self.assertEqual(set(_run_with_pool(fail_then_look)), {False})


if connection.vendor == "sqlite":
    del BrokenConnectionTests
