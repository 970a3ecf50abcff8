"""Ratusz settings, built only from the environment.

Every value that differs between a laptop, CI and production is read from an
environment variable; the defaults give the embedded single-server set-up that
`make run` starts (SQLite, a Huey queue in SQLite, files under `var/`).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RATUSZ_VAR_DIR", BASE_DIR / "var"))
# Huey opens its SQLite file at import time; the folder must exist by then.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def envsecret(name: str) -> str:
    """Return a secret from the environment, or a per-installation generated one.

    Production sets the variable. For the embedded set-up a random key is kept
    in `var/` so that restarting `make run` keeps sessions and signed links valid.
    """
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / f".{name.lower()}"
    if not path.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def example_values() -> set[str]:
    """Every value the documented example environment file shows."""
    values = {"change-me"}
    example = BASE_DIR / "docs" / "deploy" / "ratusz.env.example"
    if example.exists():
        for line in example.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                values.add(line.split("=", 1)[1].strip().strip("\"'"))
    return values - {""}


GENERATE_KEY = '`python3 -c "import secrets; print(secrets.token_urlsafe(64))"`'


def check_secret_key(key: str) -> None:
    """Refuse a production start with an example, short or repetitive key.

    Django's check --deploy only warns (security.W009), and only when asked;
    a key copied from the documentation signs every session and link.
    """
    if key in example_values() or key.startswith("django-insecure"):
        pl, en = "to przykład z dokumentacji", "it is an example from the docs"
    elif len(key) < 50:
        pl, en = "ma mniej niż 50 znaków", "it is shorter than 50 characters"
    elif len(set(key)) < 5:
        pl, en = (
            "ma mniej niż 5 różnych znaków",
            "it has fewer than 5 distinct characters",
        )
    else:
        return
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SECRET_KEY jest słaby: {pl}. Wygeneruj nowy poleceniem {GENERATE_KEY} "
        "i wpisz go do pliku środowiska (SECRET_KEY=…) albo usuń SECRET_KEY, "
        "a Ratusz sam zapisze losowy klucz w RATUSZ_VAR_DIR.\n"
        f"SECRET_KEY is weak: {en}. Generate one with {GENERATE_KEY} and put it "
        "in the environment file, or unset SECRET_KEY to have Ratusz keep a "
        "random one in RATUSZ_VAR_DIR."
    )


TESTING = envbool("RATUSZ_TESTING", "0")
DEBUG = envbool("DEBUG", "0")
SECRET_KEY = envsecret("SECRET_KEY")
if not DEBUG:
    check_secret_key(SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],.localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "ratusz.gminas",
    "ratusz.website",
    "ratusz.fans",
    "ratusz.outbox",
    "ratusz.messenger",
    "ratusz.insights",
    "ratusz.inclusion",
    "ratusz.operations",
    "ratusz.integrations.email",
    "ratusz.integrations.webpush",
    "ratusz.integrations.sms",
    "ratusz.integrations.facebook",
    "ratusz.integrations.mastodon",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "huey.contrib.djhuey",
    "django.contrib.admin",
    "django.contrib.auth",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
]

MIDDLEWARE = [
    # Outermost: decides from the final response whether the front cache
    # (ratusz.website.pagecache.PageCacheApp in asgi.py) may keep it.
    "ratusz.website.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ratusz.website.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: turns a locked-out login into the Polish 429 page.
    "axes.middleware.AxesMiddleware",
    # The second factor of staff (ratusz/gminas/mfa.py).
    "django_otp.middleware.OTPMiddleware",
    "ratusz.gminas.mfa.SecondFactorMiddleware",
    # Moves a staff session's end at most once a minute (ratusz/gminas/sessions.py).
    "ratusz.gminas.sessions.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ratusz.website.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "ratusz.website.middleware.LegacyQueryRedirectMiddleware",
    # Counts page views that reach Django (ratusz/insights/counting.py).
    "ratusz.insights.counting.CountingMiddleware",
]

ROOT_URLCONF = "ratusz.urls"
ASGI_APPLICATION = "ratusz.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ratusz" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
                "ratusz.gminas.context_processors.gmina",
                "ratusz.website.context_processors.site_links",
            ],
        },
    },
]

# Database
# SQLite is the embedded default; DATABASE_URL=postgres://… scales out.
# An empty DATABASE_URL (as in `DATABASE_URL= make test-sqlite`) means the default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ratusz.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # The web server and the worker write the same file.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000;"
            ),
        }
    )

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process (psycopg-pool): under a burst, requests wait for a
    # connection (up to DB_POOL_TIMEOUT s) instead of failing with "too many
    # connections"; size it so processes × DB_POOL_MAX fits the server.
    # DB_POOL_MAX=0 turns it off (then DB_CONN_MAX_AGE applies).
    _pool_max = envint("DB_POOL_MAX", "10")
    if _pool_max:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, _pool_max),
            "max_size": _pool_max,
            "timeout": envint("DB_POOL_TIMEOUT", "30"),
        }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "gminas.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes; ratusz/gminas/login_limits.py). Failures are
# counted in the database, so every process and server shares them. The
# client's address comes from ratusz.lib.client_ip (X-Forwarded-For only from
# RATUSZ_TRUSTED_PROXIES): rotating the header resets nothing.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
# Failures within LOGIN_LOCKOUT_MINUTES that lock a login out: for one
# username from one address; from one address (any usernames); for one
# username (any addresses, NIST 800-63B: at most 100).
LOGIN_FAILURES_PER_USER_IP = envint("LOGIN_FAILURES_PER_USER_IP", "5")
LOGIN_FAILURES_PER_IP = envint("LOGIN_FAILURES_PER_IP", "50")
LOGIN_FAILURES_PER_USER = envint("LOGIN_FAILURES_PER_USER", "100")
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", "30")
AXES_HANDLER = "ratusz.gminas.login_limits.TieredDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_USER_IP
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "ratusz.gminas.login_limits.client_ip_for_axes"
AXES_USERNAME_CALLABLE = "ratusz.gminas.login_limits.username_for_axes"
AXES_LOCKOUT_CALLABLE = "ratusz.gminas.login_limits.lockout_response"
# A success resets only its own username+address pair (the handler does it);
# axes' own reset would clear the username's failures from every network.
AXES_RESET_ON_SUCCESS = False
# No log of successful logins (addresses are personal data); failures are
# kept only while they count.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Password-reset e-mails (/admin/password_reset/) per address and per client
# address within PASSWORD_RESET_RATE_PERIOD seconds.
PASSWORD_RESET_RATE_PER_ADDRESS = envint("PASSWORD_RESET_RATE_PER_ADDRESS", "3")
PASSWORD_RESET_RATE_PER_IP = envint("PASSWORD_RESET_RATE_PER_IP", "10")
PASSWORD_RESET_RATE_PERIOD = envint("PASSWORD_RESET_RATE_PERIOD", "3600")
# Follow-form sign-ups (/obserwuj/) per client address and per e-mail address
# within FOLLOW_RATE_PERIOD seconds (all counted by ratusz/lib/ratelimit.py).
FOLLOW_RATE_PER_IP = envint("FOLLOW_RATE_PER_IP", "10")
FOLLOW_RATE_PER_EMAIL = envint("FOLLOW_RATE_PER_EMAIL", "3")
FOLLOW_RATE_PERIOD = envint("FOLLOW_RATE_PERIOD", "3600")

# Redis (optional): cache, Huey queue and Channels layer when scaling out.
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ratusz",
        }
    }
else:
    # Shared by every process (rate limits count once for all granian workers)
    # with an atomic incr: ratusz/lib/dbcache.py. Renditions, which Wagtail
    # looks up on every image, stay in each process's memory.
    CACHES = {
        "default": {
            "BACKEND": "ratusz.lib.dbcache.AtomicDatabaseCache",
            "LOCATION": "ratusz_cache",
            # Culling drops a third of the rows past MAX_ENTRIES, live rate
            # limit counters among them: keep it far above what a day holds.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

# Background work: one Huey consumer runs tasks, retries and periodic jobs.
HUEY_IMMEDIATE = envbool("HUEY_IMMEDIATE", "1" if TESTING else "0")
# SIGTERM (what systemd and `serve` send) lets running tasks finish, so a
# restart never cuts a message in half; SIGINT stops at once.
HUEY_CONSUMER = {"workers": 2, "worker_type": "thread", "graceful_signal": "TERM"}
# Live updates (ratusz.lib.live): across processes only through Redis; the
# in-memory layer reaches listeners of the same process, the rest poll.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "ratusz-live"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "ratusz",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": HUEY_CONSUMER,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ratusz",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": HUEY_CONSUMER,
    }

# Django's tasks API (used by Wagtail itself) runs on the same Huey queue.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if HUEY_IMMEDIATE
            else "huey.contrib.djhuey.tasks_backend.HueyBackend"
        ),
        "ENQUEUE_ON_COMMIT": not TESTING,
    }
}

# Internationalisation: Polish first, English interface available under /en/.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", "Polski"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "ratusz" / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("pl", "Polski")]

# Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "ratusz" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "Ratusz"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILIMAGES_IMAGE_MODEL = "website.CustomImage"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 128_000_000
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # PostgreSQL has no Polish configuration: lemmas come from morfeusz2.
        "SEARCH_CONFIG": "simple",
    }
}
WAGTAILEMBEDS_FINDERS: list[dict] = []
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The admin's CSP blocks Gravatar; avatars are initials (gminas/wagtail_hooks.py).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILREDIRECTS_AUTO_CREATE = True

# Public page cache (see ratusz/website/pagecache.py)
PAGE_CACHE_ENABLED = envbool("PAGE_CACHE_ENABLED", "0" if TESTING else "1")
PAGE_CACHE_DIR = Path(os.environ.get("PAGE_CACHE_DIR", VAR_DIR / "pagecache"))
PAGE_CACHE_TTL = envint("PAGE_CACHE_TTL", "600")
# A rebuild holding an entry's lock longer than this is presumed dead.
PAGE_CACHE_LOCK_TIMEOUT = envint("PAGE_CACHE_LOCK_TIMEOUT", "30")

# Page views counted without cookies (see ratusz/insights/). Off in tests,
# which turn it on per test.
INSIGHTS_COUNTING = envbool("INSIGHTS_COUNTING", "0" if TESTING else "1")
# Views wait in memory this long before one insert writes them (0: no
# flushing thread; tests flush by hand). A crash loses at most this much.
INSIGHTS_FLUSH_SECONDS = float(os.environ.get("INSIGHTS_FLUSH_SECONDS", "1"))
INSIGHTS_RAW_DAYS = envint("INSIGHTS_RAW_DAYS", "30")
INSIGHTS_ROLLUP_MONTHS = envint("INSIGHTS_ROLLUP_MONTHS", "25")

# Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Two factors for staff (a TOTP app + recovery codes): enrolment is forced
# at the first sign-in. `make run`'s demo and the test suite turn it off (its
# banner says so); a member who set it up is always asked for it.
STAFF_MFA_REQUIRED = envbool("STAFF_MFA_REQUIRED", "0" if TESTING else "1")
OTP_TOTP_ISSUER = "Ratusz"

# Staff sessions end after SESSION_IDLE_MINUTES without a request (a request
# moves the end, written at most once a minute: ratusz/gminas/sessions.py).
# A password change ends the other sessions (Django's session hash).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "30") * 60
# Password reset links are valid for one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no Ratusz page (public or admin) uses, refused to the page
# and to anything it might embed: feature -> allowed origins (none). Left out
# on purpose: clipboard-write (the admin's copy buttons), fullscreen and
# publickey-credentials-* (passkeys at the staff login). Only features
# Chromium recognises, so the console stays free of warnings.
PERMISSIONS_POLICY: dict[str, tuple[str, ...]] = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    ],  # fmt: skip
    (),
)
HTTPS = envbool("HTTPS", "0")
# Reverse proxies (IPs or networks) whose X-Forwarded-For is believed when
# rate limits need the client's address (ratusz/lib/client_ip.py). Empty:
# REMOTE_ADDR is the client. Behind nginx on the same host: "127.0.0.1,::1".
RATUSZ_TRUSTED_PROXIES = envlist("RATUSZ_TRUSTED_PROXIES", "")
# HSTS subdomains and preload bind every subdomain of a gmina's domain (the
# office's intranet, the mail webmail, a BIP on http) and, once preloaded,
# cannot be undone for months: each installation opts in, never by default.
HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", "0")
HSTS_PRELOAD = envbool("HSTS_PRELOAD", "0")
SILENCED_SYSTEM_CHECKS: list[str] = []
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HSTS_INCLUDE_SUBDOMAINS
    SECURE_HSTS_PRELOAD = HSTS_PRELOAD
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # check --deploy asks for both; whether a gmina's subdomains all speak
    # HTTPS (and whether to preload) is a per-installation decision, so an
    # installation that has not opted in is not warned about it.
    if not HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
    if not HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy: strict nonce policy on public pages; the Wagtail
# admin gets a policy that allows its inline scripts (see middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGIN_URL = "wagtailadmin_login"
# Django's own admin at /django-admin/: off unless asked for (the suite turns
# it on to keep testing its login lockout and access checks).
DJANGO_ADMIN_ENABLED = envbool("DJANGO_ADMIN_ENABLED", "1" if TESTING else "0")

# Every handler hides residents' secret links (conversation, follower and
# password-reset tokens) in what it writes: ratusz/lib/logredact.py. Django's
# own loggers are routed here too, so its default handlers (which would print
# the paths unfiltered) are replaced.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "ratusz.lib.logredact.RedactTokens"}},
    "formatters": {
        # LOG_FORMAT=json: one JSON object a line (UTC time, level, logger,
        # message, exception) for a log collector; plain messages otherwise.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
        },
        "ratusz": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # With a handler here, run_huey does not add its own (which printed
        # every line twice). INFO logs each task run, every minute.
        "huey": {
            "handlers": ["console"],
            "level": os.environ.get("HUEY_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
}

# Outbound HTTP (ratusz/lib/http.py): server-side fetches reach only public
# addresses. List private addresses or networks to allow (e.g. an intranet
# BIP server: "10.1.2.0/24"); tests may set True to reach loopback servers.
HTTP_ALLOW_PRIVATE_HOSTS = envlist("HTTP_ALLOW_PRIVATE_HOSTS", "")


def envallowlists(name: str, default: str) -> dict[str, list[str]]:
    """Named allow-lists: "*=10.20.0.0/16; zawada.example.pl=192.168.5.0/24 …"."""
    import ipaddress

    lists: dict[str, list[str]] = {}
    for entry in os.environ.get(name, default).split(";"):
        if not entry.strip():
            continue
        key, equals, values = entry.partition("=")
        if not equals or not key.strip():
            raise ValueError(f"{name}: {entry!r} is not 'key=network …'")
        for value in values.replace(",", " ").split():
            ipaddress.ip_network(value, strict=False)  # fails loudly on a typo
            lists.setdefault(key.strip().lower(), []).append(value)
    return lists


# e-Inclusion register (ratusz/inclusion/rodo.py): years a household's
# programme records are archived after the end of durability before the worker
# anonymises a household that asked for erasure. 5 years is our default (the
# common archival category B5 of an office's case files; unverified for each
# agreement): a gmina whose funding agreement says longer sets it here.
INCLUSION_ARCHIVE_YEARS = envint("INCLUSION_ARCHIVE_YEARS", "5")

# The free network's access points (ratusz/inclusion, network_checks.py).
# They live on a gmina's private network, which server-side requests may not
# reach: NETWORK_CHECK_ALLOW names the networks the checks may, "*" for every
# gmina of the installation and a gmina's site hostname for that gmina alone
# ("*=10.20.0.0/16; zawada.example.pl=192.168.5.0/24 192.168.6.1"). Set by
# whoever runs the installation, never by a gmina's staff.
NETWORK_CHECK_ALLOW = envallowlists("NETWORK_CHECK_ALLOW", "")
# Seconds between two checks of one access point, and per check.
NETWORK_CHECK_INTERVAL = envint("NETWORK_CHECK_INTERVAL", "300")
NETWORK_CHECK_TIMEOUT = envint("NETWORK_CHECK_TIMEOUT", "5")
# Checks run at once by one worker (a dead access point waits the timeout).
NETWORK_CHECK_CONCURRENCY = envint("NETWORK_CHECK_CONCURRENCY", "8")
# Seconds an access point is down before its gmina's administrators are told.
NETWORK_ALERT_AFTER = envint("NETWORK_ALERT_AFTER", "900")
# Months of outages and daily check counts kept (uptime per month).
NETWORK_HISTORY_MONTHS = envint("NETWORK_HISTORY_MONTHS", "25")
# The public page's map: a tile URL template ("https://tile.example/{z}/{x}/{y}.png")
# and the attribution its licence requires. Empty: no map (the list stays).
NETWORK_MAP_TILE_URL = os.environ.get("NETWORK_MAP_TILE_URL", "")
NETWORK_MAP_ATTRIBUTION = os.environ.get(
    "NETWORK_MAP_ATTRIBUTION", "© autorzy OpenStreetMap"
)
if NETWORK_MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(NETWORK_MAP_TILE_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"{_tiles.scheme}://{_tiles.netloc}"
    )

# e-Inclusion staff reminders (ratusz/inclusion/staff_reminders.py): days
# before a durability check's due date, and before a statement campaign's
# window ends, that the gmina's coordinators are told (once).
INCLUSION_CHECK_REMINDER_DAYS = envint("INCLUSION_CHECK_REMINDER_DAYS", "14")
INCLUSION_STATEMENT_REMINDER_DAYS = envint("INCLUSION_STATEMENT_REMINDER_DAYS", "7")

# Facebook (Graph API; the Page id and Page access token are per gmina, in the admin)
FACEBOOK_GRAPH_URL = os.environ.get("FACEBOOK_GRAPH_URL", "https://graph.facebook.com")
FACEBOOK_GRAPH_VERSION = os.environ.get("FACEBOOK_GRAPH_VERSION", "v26.0")
# Insights (integrations/facebook/insights.py): posts published in the last
# FACEBOOK_INSIGHTS_DAYS days are read (Graph keeps two years), each at most
# every FACEBOOK_INSIGHTS_REFRESH_HOURS, one Graph call per metric so that a
# metric Meta retires fails alone.
FACEBOOK_INSIGHTS_DAYS = envint("FACEBOOK_INSIGHTS_DAYS", "28")
FACEBOOK_INSIGHTS_REFRESH_HOURS = envint("FACEBOOK_INSIGHTS_REFRESH_HOURS", "6")
FACEBOOK_POST_METRICS = envlist(
    "FACEBOOK_POST_METRICS",
    "post_total_media_view_unique,post_media_view,post_reactions_like_total,"
    "post_clicks",
)
# Messenger webhook (/integracje/facebook/messenger/): the app's secret signs
# every POST (X-Hub-Signature-256); the verify token answers Facebook's
# subscription handshake. Both empty: the webhook refuses everything.
FACEBOOK_APP_SECRET = os.environ.get("FACEBOOK_APP_SECRET", "")
FACEBOOK_VERIFY_TOKEN = os.environ.get("FACEBOOK_VERIFY_TOKEN", "")

# Mastodon (instance, access token and visibility are per gmina, in the admin)
# Seconds to wait for an instance's answer before trying again later.
MASTODON_TIMEOUT = 20

# SMS (SMSAPI.pl; token, sender and test mode are per gmina, in the admin)
SMSAPI_URL = os.environ.get("SMSAPI_URL", "https://api.smsapi.pl/")
# Confirmation codes a resident can ask for, per number and per IP address.
SMS_CODE_RATE_PER_PHONE = envint("SMS_CODE_RATE_PER_PHONE", "3")
SMS_CODE_RATE_PER_IP = envint("SMS_CODE_RATE_PER_IP", "10")
SMS_CODE_RATE_PERIOD = envint("SMS_CODE_RATE_PERIOD", "3600")

# Web Push (VAPID). Production sets the key pair (`manage.py vapid_keys`
# prints one); otherwise a private key is generated once into
# var/.vapid_private_key.pem. Changing the key ends every browser's
# subscription.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "")
VAPID_KEY_FILE = VAR_DIR / ".vapid_private_key.pem"
# How long a push service keeps a message for a browser that is offline.
WEBPUSH_TTL = envint("WEBPUSH_TTL", str(48 * 3600))
WEBPUSH_TIMEOUT = envint("WEBPUSH_TIMEOUT", "15")
# Subscribe, unsubscribe and resubscribe requests per client address and
# endpoint within WEBPUSH_RATE_PERIOD seconds. Generous: a village behind one
# mobile operator's address shares it.
WEBPUSH_RATE_PER_IP = envint("WEBPUSH_RATE_PER_IP", "30")
WEBPUSH_RATE_PERIOD = envint("WEBPUSH_RATE_PERIOD", "600")
# Hosts a browser's subscription endpoint may name ("*.x": any subdomain of x):
# the worker POSTs to it, so a visitor must not pick the host. FCM (Chrome,
# Edge on Android), Mozilla, Apple (Safari) and Windows (WNS).
WEBPUSH_ALLOWED_HOSTS = envlist(
    "WEBPUSH_ALLOWED_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,"
    "*.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com",
)

# Operations (ratusz/operations): `/health/`, `manage.py health` and the
# administrator's alert e-mails. The checks fail (and alert) when the worker's
# heartbeat is older than OPS_WORKER_STALE_SECONDS, a task waited in the queue
# longer than OPS_QUEUE_LAG_SECONDS, a due delivery waits longer than
# OPS_DELIVERY_DELAY_SECONDS or OPS_FAILED_PER_HOUR deliveries failed in an hour.
HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")
OPS_ALERT_EMAILS = envlist("OPS_ALERT_EMAILS", "")
OPS_WORKER_STALE_SECONDS = envint("OPS_WORKER_STALE_SECONDS", "180")
OPS_QUEUE_LAG_SECONDS = envint("OPS_QUEUE_LAG_SECONDS", "120")
OPS_DELIVERY_DELAY_SECONDS = envint("OPS_DELIVERY_DELAY_SECONDS", "900")
OPS_FAILED_PER_HOUR = envint("OPS_FAILED_PER_HOUR", "20")
# How often each web process checks (the worker cannot report its own
# death); 0 turns the watchdog off, as in the test suite.
OPS_WATCH_SECONDS = envint("OPS_WATCH_SECONDS", "0" if TESTING else "60")

# E-mail. With no EMAIL_HOST (the embedded set-up of `make run`) outgoing
# mail is not sent: every message is kept as a file in EMAIL_FOLDER, listed in
# the admin ("Poczta wychodząca (tryb demonstracyjny)"), and the admin says so
# on every screen (ratusz/lib/mailbox.py). EMAIL_HOST set: real SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_FOLDER = Path(os.environ.get("EMAIL_FOLDER", VAR_DIR / "mail"))
EMAIL_KEPT_IN_FOLDER = not EMAIL_HOST
if EMAIL_KEPT_IN_FOLDER:
    EMAIL_BACKEND = "ratusz.lib.mailbox.FolderEmailBackend"
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ratusz@localhost")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

# Messenger e-mail: notifications carry Reply-To sprawa+<token>@<domain> (the
# gmina's site hostname when no domain is set); mail to napisz@<hostname> or
# to the gmina's own e-mail address opens a new conversation. The MTA hands
# such mail to `manage.py messenger_mail_server` or `manage.py receive_email`.
MESSENGER_REPLY_DOMAIN = os.environ.get("MESSENGER_REPLY_DOMAIN", "")
MESSENGER_REPLY_LOCALPART = os.environ.get("MESSENGER_REPLY_LOCALPART", "sprawa")
MESSENGER_INBOX_LOCALPART = os.environ.get("MESSENGER_INBOX_LOCALPART", "napisz")
# Raw inbound events (webhooks, e-mails) are deleted this many days after arrival.
MESSENGER_INBOUND_RETENTION_DAYS = envint("MESSENGER_INBOUND_RETENTION_DAYS", "30")
# Private files (residents' attachments): stored outside MEDIA_ROOT (never a
# public URL), served only by an app's view after its access check
# (ratusz.lib.private_files). MESSENGER_PRIVATE_DIR is the older name.
PRIVATE_FILES_DIR = Path(
    os.environ.get("PRIVATE_FILES_DIR")
    or os.environ.get("MESSENGER_PRIVATE_DIR")
    or VAR_DIR / "private"
)
MESSENGER_ATTACHMENT_MAX_BYTES = envint(
    "MESSENGER_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)
)
MESSENGER_ATTACHMENT_MAX_PIXELS = envint("MESSENGER_ATTACHMENT_MAX_PIXELS", "40000000")
# Resident pages: new conversations per client address and per gmina an hour;
# wrong conversation links per client address in 10 minutes.
MESSENGER_RATE_PER_IP = envint("MESSENGER_RATE_PER_IP", "10")
MESSENGER_RATE_PER_GMINA = envint("MESSENGER_RATE_PER_GMINA", "300")
MESSENGER_BAD_TOKENS_PER_IP = envint("MESSENGER_BAD_TOKENS_PER_IP", "20")
# One conversation: residents' messages an hour, attachments a day (a valid
# private link must not become a way to fill the office's disk or inbox).
MESSENGER_REPLIES_PER_HOUR = envint("MESSENGER_REPLIES_PER_HOUR", "30")
MESSENGER_UPLOADS_PER_DAY = envint("MESSENGER_UPLOADS_PER_DAY", "20")
# A resident's live stream (SSE) closes after this many seconds; the browser reconnects.
MESSENGER_SSE_LIFETIME = envint("MESSENGER_SSE_LIFETIME", "300")
# Open live streams read the database from a few shared threads, so a web
# process holds a few connections, not one per open page (ratusz.lib.live.poll).
# The suite turns it off: a TestCase's data is visible on its own connection only.
LIVE_SHARED_DB_THREADS = not TESTING

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
