"""Apps add demo data through lib.demo: load_demo runs each registered step
once per load, in order, with the demo gmina."""

from datetime import date

from ratusz.lib import demo


def test_steps_run_in_order_once_each(monkeypatch):
    monkeypatch.setattr(demo, "_steps", [])
    calls = []

    def first(gmina, *, today):
        calls.append(("first", gmina, today))

    def second(gmina, *, today):
        calls.append(("second", gmina, today))

    demo.register_step(first)
    demo.register_step(second)
    demo.register_step(first)
    demo.run_steps("gmina", today=date(2026, 12, 3))
    assert calls == [
        ("first", "gmina", date(2026, 12, 3)),
        ("second", "gmina", date(2026, 12, 3)),
    ]
