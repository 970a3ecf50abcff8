"""`make audit` never says "no known vulnerabilities" when it could not ask."""

import os
import subprocess

from django.conf import settings


def test_an_unreachable_service_is_not_checked_not_clean():
    # A proxy on a closed port: neither PyPI nor its advisories answer.
    closed = "http://127.0.0.1:9"
    env = {**os.environ, "HTTPS_PROXY": closed, "https_proxy": closed}
    result = subprocess.run(
        ["scripts/audit.sh"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout
    assert "NOT CHECKED" in result.stdout
    assert "no known vulnerabilities" not in result.stdout
