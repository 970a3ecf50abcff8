"""Suite-wide pytest hooks."""

import pytest


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # The suite must never pass by skipping: a skipped test is a failed run.
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(
            f"ERROR: {len(skipped)} test(s) skipped; skipping is not allowed here.",
            red=True,
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1


def pytest_configure(config):
    # RATUSZ_TEST_NOW="2026-11-24T10:00:00+01:00" runs the suite as if the
    # clock read that moment (ticking): a check that no test depends on the
    # time of day it happens to run at (office hours, digests, dates). Only
    # this process travels: tests that compare its clock with a subprocess's
    # (the Facebook kill test) cannot run under it.
    import os

    moment = os.environ.get("RATUSZ_TEST_NOW")
    if moment:
        import time_machine

        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def _number_messages_at_once_in_test_transactions():
    # `Message.seq` is given by a deferred trigger as the inserting transaction
    # commits (messenger migration 0002). A TestCase never commits: on
    # PostgreSQL its messages would stay unnumbered, so in its transaction the
    # trigger runs at each insert instead. The deferred path itself is tested
    # with real commits (messenger/tests/test_ordering.py).
    from django.db import connections
    from django.test import TestCase

    enter_atomics = TestCase._enter_atomics.__func__

    def _enter_atomics(cls):
        atomics = enter_atomics(cls)
        for alias in cls._databases_names():
            connection = connections[alias]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET CONSTRAINTS messenger_message_commit_seq IMMEDIATE"
                    )
        return atomics

    TestCase._enter_atomics = classmethod(_enter_atomics)


_number_messages_at_once_in_test_transactions()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with a clean PostgreSQL teardown.

    Threads of browser and live-stream tests (live servers, stream readers)
    may still hold pooled connections when the run ends; dropping the test
    database then failed with "being accessed by other users". Before the
    drop, this process closes its pool and ends its own leftover sessions on
    the test database (nothing else uses it).
    """
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            connection.close()
            connection.close_pool()
            with connection._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [connection.settings_dict["NAME"]],
                )
