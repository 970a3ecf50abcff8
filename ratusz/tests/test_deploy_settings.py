import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_in_production(tmp_path, args, **env_overrides):
    """`python <args>` with the production settings: none of the suite's
    variables (DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set,
    production must not have), DEBUG=0, and no SECRET_KEY unless given."""
    dropped = (
        "RATUSZ_TESTING",
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SECRET_KEY",
    )
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="ratusz.settings",
        RATUSZ_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="gmina.example.org",
        **{"DEBUG": "0", **env_overrides},
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check_deploy(tmp_path, **env_overrides):
    return _run_in_production(
        tmp_path,
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(60),
        **{"EMAIL_HOST": "smtp.example.org", **env_overrides},
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
    code = (
        "import django; django.setup()\n"
        "from django.http import HttpResponse\n"
        "from django.middleware.security import SecurityMiddleware\n"
        "from django.test import RequestFactory\n"
        "request = RequestFactory().get('/', secure=True)\n"
        "response = SecurityMiddleware(lambda r: HttpResponse())(request)\n"
        "print(response.headers.get('Strict-Transport-Security', ''))\n"
    )
    result = _run_in_production(
        tmp_path,
        ["-c", code],
        SECRET_KEY=secrets.token_urlsafe(60),
        **{"HTTPS": "1", **env_overrides},
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


def _manage_check(tmp_path, **env_overrides):
    return _run_in_production(tmp_path, ["manage.py", "check"], **env_overrides)


def test_it_refuses_to_start_with_a_weak_secret_key(tmp_path):
    weak = [
        "change-me",
        # Long enough, but printed in docs/deploy/ratusz.env.example.
        "postgres://ratusz:PASSWORD@127.0.0.1:5432/ratusz",
        "x" * 49 + "abcd",  # 53 characters, 5 distinct: fine, see below
        secrets.token_urlsafe(30)[:40],
        "abcd" * 20,
        "django-insecure-" + secrets.token_urlsafe(50),
    ]
    refusals = {
        weak[0]: "przykład z dokumentacji",
        weak[1]: "przykład z dokumentacji",
        weak[3]: "mniej niż 50 znaków",
        weak[4]: "mniej niż 5 różnych znaków",
        weak[5]: "przykład z dokumentacji",
    }
    for key, reason in refusals.items():
        result = _manage_check(tmp_path, SECRET_KEY=key)
        output = result.stdout + result.stderr
        assert result.returncode != 0, key
        assert "ImproperlyConfigured" in output, output
        assert "SECRET_KEY jest słaby" in output and reason in output, output
        assert "SECRET_KEY is weak" in output
        assert "secrets.token_urlsafe(64)" in output
        assert key not in output.split("ImproperlyConfigured", 1)[1]
    assert _manage_check(tmp_path, SECRET_KEY=weak[2]).returncode == 0


def test_it_starts_with_a_strong_or_generated_key_and_in_debug(tmp_path):
    strong = _manage_check(tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    assert strong.returncode == 0, strong.stdout + strong.stderr
    # Unset: the key generated into RATUSZ_VAR_DIR.
    generated = _manage_check(tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert len((tmp_path / ".secret_key").read_text().strip()) >= 50
    # A developer's DEBUG=1 laptop may keep the example.
    debug = _manage_check(tmp_path, SECRET_KEY="change-me", DEBUG="1")
    assert debug.returncode == 0, debug.stdout + debug.stderr


def test_django_admin_is_not_mounted_in_production(tmp_path):
    probe = (
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "for url in ('/django-admin/', '/django-admin/login/'):\n"
        "    try:\n"
        "        match = resolve(url)\n"
        "    except Resolver404:\n"
        "        continue\n"
        "    assert match.app_name != 'admin', url\n"
        "print('not mounted')\n"
    )

    def run(**extra):
        return _run_in_production(
            tmp_path, ["-c", probe], SECRET_KEY=secrets.token_urlsafe(60), **extra
        )

    default = run()
    assert default.returncode == 0, default.stderr[-2000:]
    assert "not mounted" in default.stdout
    # The probe can fail: asked for, the admin is there.
    asked = run(DJANGO_ADMIN_ENABLED="1")
    assert asked.returncode != 0
    assert "AssertionError" in asked.stderr


def test_production_requires_a_second_factor_of_staff(tmp_path):
    probe = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "assert settings.STAFF_MFA_REQUIRED is True\n"
        "assert 'ratusz.gminas.mfa.SecondFactorMiddleware' in settings.MIDDLEWARE\n"
        "print('required')\n"
    )
    result = _run_in_production(
        tmp_path, ["-c", probe], SECRET_KEY=secrets.token_urlsafe(60)
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "required" in result.stdout
    # Only an explicit setting turns it off (as `make run`'s demo does).
    off = _run_in_production(
        tmp_path, ["-c", probe], SECRET_KEY=secrets.token_urlsafe(60),
        STAFF_MFA_REQUIRED="0",
    )  # fmt: skip
    assert off.returncode != 0
