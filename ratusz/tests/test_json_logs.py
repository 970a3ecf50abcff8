"""LOG_FORMAT=json: one JSON object a line, tokens still redacted; the
default stays plain messages."""

import json
import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import logging
import django
django.setup()
log = logging.getLogger("ratusz.probe")
log.warning("Zażółć gęślą: %s", "https://x.example/t/?access_token=SEKRET123")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("Nie wyszło")
"""


def run(**env):
    child = {**os.environ, "DJANGO_SETTINGS_MODULE": "ratusz.settings", **env}
    child.pop("RATUSZ_TESTING", None)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=child,
        capture_output=True, text=True, timeout=120, check=True,
    ).stderr  # fmt: skip


def test_json_lines_with_time_level_logger_and_the_exception(tmp_path):
    lines = run(LOG_FORMAT="json", RATUSZ_VAR_DIR=str(tmp_path)).strip().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["level"] for r in records] == ["WARNING", "ERROR"]
    assert {r["logger"] for r in records} == {"ratusz.probe"}
    assert records[0]["message"].startswith("Zażółć gęślą")
    assert "SEKRET123" not in lines[0]
    assert records[0]["time"].endswith("+00:00")
    assert "ZeroDivisionError" in records[1]["exc_info"]


def test_plain_is_the_default(tmp_path):
    out = run(RATUSZ_VAR_DIR=str(tmp_path))
    assert out.startswith("Zażółć gęślą")
    assert "SEKRET123" not in out
