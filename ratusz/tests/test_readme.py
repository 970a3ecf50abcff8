"""The README's configuration table lists every environment variable the
product reads, so an operator never has to read settings.py to find one."""

import ast
import re

from ratusz.tests.test_requirements import ROOT, product_files

READERS = {"envbool", "envint", "envlist", "envsecret", "_env_default", "getenv"}


def _is_environ(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variables_read(source: str) -> set[str]:
    """Names of environment variables read with a literal name."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        name_node = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = getattr(func, "attr", None) or getattr(func, "id", None)
            if called in READERS or (
                called in ("get", "setdefault") and _is_environ(func.value)
            ):
                name_node = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            name_node = node.slice
        if isinstance(name_node, ast.Constant) and isinstance(name_node.value, str):
            names.add(name_node.value)
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_the_configuration_table_lists_every_variable_the_product_reads():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    read = set()
    for path in product_files():
        read |= variables_read(path.read_text())
    assert "EMAIL_HOST" in read and "MESSENGER_SSE_LIFETIME" in read  # sanity
    assert sorted(read - documented) == []


def test_the_scan_finds_every_way_settings_read_the_environment():
    source = (
        'import os\nos.environ.get("A")\nos.environ["B"]\nenvint(\n  "C", "1")\n'
        'envbool("D", "0")\nos.getenv("E")\n_env_default("F", 1)\n'
    )
    assert variables_read(source) == {"A", "B", "C", "D", "E", "F"}
