"""The demo gmina's data from apps other than `website`.

`manage.py load_demo` (`website/demo/loader.py`) builds the gmina, its pages
and its editor, then calls every step registered here, in registration
order, inside its transaction. An app adds its demo data without an edit in
`website` (it cannot import the apps above it):

    # <app>/apps.py, in ready()
    from ratusz.lib.demo import register_step
    register_step(demo.load)

A step is `step(gmina, *, today) -> None` and must be idempotent: a second
`load_demo` adds only what is missing and never duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

Step = Callable[..., None]

_steps: list[Step] = []


def register_step(step: Step) -> None:
    """Add a demo step (once; registering the same function again is a no-op)."""
    if step not in _steps:
        _steps.append(step)


def run_steps(gmina, *, today: date) -> None:
    for step in list(_steps):
        step(gmina, today=today)
