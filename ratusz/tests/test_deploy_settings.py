import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_deploy(tmp_path, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which production must not.
        if k
        not in (
            "RATUSZ_TESTING",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ratusz.settings",
        RATUSZ_VAR_DIR=str(tmp_path),
        DEBUG="0",
        ALLOWED_HOSTS="gmina.example.org",
        SECRET_KEY=secrets.token_urlsafe(60),
        **{"EMAIL_HOST": "smtp.example.org", **env_overrides},
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_checklist_with_https(tmp_path):
    result = _check_deploy(tmp_path, HTTPS="1")
    assert result.returncode == 0, result.stdout + result.stderr
    # Only HSTS includeSubDomains (W005) and preload (W021) are silenced:
    # both are opt-in per installation.
    assert "no issues (2 silenced)" in result.stdout


def test_it_passes_the_deploy_checklist_with_hsts_opted_in(tmp_path):
    result = _check_deploy(
        tmp_path, HTTPS="1", HSTS_INCLUDE_SUBDOMAINS="1", HSTS_PRELOAD="1"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def _hsts_header(tmp_path, **env_overrides) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RATUSZ_TESTING", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ratusz.settings",
        RATUSZ_VAR_DIR=str(tmp_path),
        DEBUG="0",
        ALLOWED_HOSTS="gmina.example.org",
        SECRET_KEY=secrets.token_urlsafe(60),
        HTTPS="1",
        **env_overrides,
    )
    code = (
        "import django; django.setup()\n"
        "from django.http import HttpResponse\n"
        "from django.middleware.security import SecurityMiddleware\n"
        "from django.test import RequestFactory\n"
        "request = RequestFactory().get('/', secure=True)\n"
        "response = SecurityMiddleware(lambda r: HttpResponse())(request)\n"
        "print(response.headers.get('Strict-Transport-Security', ''))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_preload_and_subdomains_are_opt_in(tmp_path):
    assert _hsts_header(tmp_path) == "max-age=31536000"
    assert _hsts_header(tmp_path, HSTS_INCLUDE_SUBDOMAINS="1") == (
        "max-age=31536000; includeSubDomains"
    )
    assert _hsts_header(tmp_path, HSTS_INCLUDE_SUBDOMAINS="1", HSTS_PRELOAD="1") == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_it_fails_the_deploy_checklist_without_https(tmp_path):
    # The check is real: the same settings without HTTPS are flagged.
    result = _check_deploy(tmp_path, HTTPS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_it_warns_when_mail_would_only_be_kept_in_a_folder(tmp_path):
    result = _check_deploy(tmp_path, HTTPS="1", EMAIL_HOST="")
    assert result.returncode != 0
    assert "ratusz.W001" in result.stderr + result.stdout
