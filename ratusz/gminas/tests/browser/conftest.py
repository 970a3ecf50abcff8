# The website's browser fixtures: Debian's chromium, a live server, a gmina.
from ratusz.website.tests.browser.conftest import (  # noqa: F401
    CONTEXT_ARGS,
    browser,
    context,
    page,
    site_data,
)
