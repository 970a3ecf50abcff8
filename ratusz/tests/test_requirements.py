"""What the running product imports is installed by requirements.txt alone.

`make run` and the production units install requirements.txt only; the
test tools come from requirements-dev.txt. A module the product imports but
only the dev file installs passes the suite and kills the worker of a fresh
install (it happened with aiosmtpd). Two checks: every import statement of
the product's code, and a real start-up of every product module in a process
where distributions not pinned in requirements.txt cannot be imported (which
also covers modules named in settings, imported by Django, Huey or Channels).
`.ci/run` proves the same on a clean clone with a fresh virtualenv.
"""

import ast
import os
import subprocess
import sys
import textwrap
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ratusz"


def pinned(requirements: Path) -> set[str]:
    names = set()
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(normalise(line.split("==")[0].split("[")[0]))
    return names


def normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def product_files() -> list[Path]:
    """The code a running installation loads: not tests, not test helpers."""
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and path.parts[len(PACKAGE.parts)] not in ("testing",)
        and path.name not in ("test_settings.py", "test.py")
    ]


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_every_import_of_the_product_is_pinned_in_requirements_txt():
    allowed = pinned(ROOT / "requirements.txt")
    distributions = packages_distributions()
    missing = []
    for path in product_files():
        for name in imported_top_levels(path):
            if name in sys.stdlib_module_names or name == "ratusz":
                continue
            dists = distributions.get(name)
            assert dists, f"{name} (imported by {path}) is not installed at all"
            if not any(normalise(d) in allowed for d in dists):
                where = path.relative_to(ROOT)
                missing.append(f"{name} ({', '.join(dists)}) in {where}")
    assert missing == [], "imported by the product, missing in requirements.txt"


# Runs in a fresh interpreter: distributions that requirements.txt does not pin
# cannot be imported, then Django starts and every product module is imported.
_START_WITHOUT_DEV_PACKAGES = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    from importlib.metadata import packages_distributions

    allowed = set(sys.argv[1].split(","))
    owners = packages_distributions()

    class DevOnly:
        def find_spec(self, name, path=None, target=None):
            top = name.split(".")[0]
            dists = owners.get(top)
            norm = lambda d: d.lower().replace("_", "-").replace(".", "-")
            if dists and not any(norm(d) in allowed for d in dists):
                raise ModuleNotFoundError(
                    f"No module named {name!r} (only requirements-dev.txt has it)"
                )
            return None

    sys.meta_path.insert(0, DevOnly())
    import django
    django.setup()
    from django.conf import settings
    from django.utils.module_loading import import_string
    import ratusz

    skip = ("tests", "testing", "test_settings", "test")
    for info in pkgutil.walk_packages(ratusz.__path__, "ratusz."):
        if any(part in skip for part in info.name.split(".")):
            continue
        importlib.import_module(info.name)
    # What settings name by string is imported when it is first used.
    import_string(settings.EMAIL_BACKEND)
    import_string(settings.TASKS["default"]["BACKEND"])
    import_string(settings.CHANNEL_LAYERS["default"]["BACKEND"])
    import_string(settings.HUEY["huey_class"])
    import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    print("imported")
    """
)


def _start(tmp_path, allowed: set[str]):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RATUSZ_TESTING", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE="ratusz.settings", RATUSZ_VAR_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-c", _START_WITHOUT_DEV_PACKAGES, ",".join(sorted(allowed))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_product_starts_with_requirements_txt_alone(tmp_path):
    result = _start(tmp_path, pinned(ROOT / "requirements.txt"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("imported")


def test_the_start_up_check_notices_a_dev_only_package(tmp_path):
    # The check above can fail: without aiosmtpd pinned, the inbound mail
    # server module no longer imports.
    result = _start(tmp_path, pinned(ROOT / "requirements.txt") - {"aiosmtpd"})
    assert result.returncode != 0
    assert "aiosmtpd" in result.stderr
