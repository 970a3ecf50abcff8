"""Run Django tasks (Wagtail's search-index updates) inline for a while.

A command that creates many pages at once (the demo, a new gmina) queues
several index updates of one page; the worker's two threads then raced each
other at the first start (IntegrityError on the search index entry). Inline,
they run one after another inside the command.
"""

from django.test import override_settings

INLINE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
}


def inline_tasks():
    return override_settings(TASKS=INLINE_TASKS)
