"""Settings for the test suite: the same settings, with RATUSZ_TESTING on."""

import os

os.environ.setdefault("RATUSZ_TESTING", "1")

from ratusz.settings import *  # noqa: F403

# WhiteNoise serves from the finders in tests; an existing root silences its warning.
STATIC_ROOT = VAR_DIR / "static-test"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
