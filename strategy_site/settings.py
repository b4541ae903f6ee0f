"""
Settings for strategy_site, driven by the environment.

Every variable read here is listed in `.env.example` and the README. Relaxed
defaults apply only when DJANGO_DEBUG is on; production refuses to start
without a secret key.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it for production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Names shown in the header, footer and page titles.
SITE_NAME = os.environ.get("SITE_NAME", "Meeting Needs Together")
ORGANISATION_NAME = os.environ.get("SITE_ORGANISATION", "Wiltshire Council")
# The site's public address (scheme and host, no trailing slash), for canonical links,
# link previews and share links: never taken from a request's Host header. Unset in
# development, it follows PORT, the port `make run` serves on (PORT=8301 make run), so
# those links lead back to the running site.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/") or (
    f"http://127.0.0.1:{os.environ.get('PORT') or 8000}" if DEBUG else "http://127.0.0.1:8000"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "markdownx",
    "reversion",
    # The project: site-wide views, templates and template tags.
    "strategy_site",
    # Content apps: each owns one kind of content.
    "priorities",
    "news",
    "accessibility",
    "helpcontacts",
    "glossary",
    "easyread",
    "feedback",
    "progress",
    # Email alerts: who asked for which lists, and what was sent to whom.
    "alerts",
    # Shared apps: they know no content type (see docs/notes/layers.md).
    "publishing",
    # Plain English and accessibility advice as editors write (knows no content type).
    "contentchecks",
    "images",
    "search",
    "sharing",
    "pagecache",
    "operations",
    "ratelimits",
    # Background work: Django's tasks API (backported) and its database queue.
    "django_tasks",
    "django_tasks_db",
]

# The header middleware comes before WhiteNoise so static files get the headers too.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "operations.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every cacheable response and 304 for a matching If-None-Match; outside
    # everything that changes the body, so the ETag is of what is sent.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "operations.middleware.StaffNoStoreMiddleware",
    # An answer to a query string its view does not call its own is kept by no cache.
    "publishing.queries.QueryStringMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "strategy_site.urls"
WSGI_APPLICATION = "strategy_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "strategy_site.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default so `make run` needs nothing else;
# production sets DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The site and its email workers write to one SQLite file. A transaction that read
    # first and then writes (a worker taking emails to send) would fail at once with
    # "database is locked" if another process was writing; taking the write lock as the
    # transaction begins makes it wait its turn instead (Django's SQLite notes).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# With Redis: the longest any call waits for it (to connect, then for each answer),
# and how long a process leaves it alone after a failure (operations/cache.py).
REDIS_TIMEOUT = float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.25"))
REDIS_RETRY_AFTER = float(os.environ.get("DJANGO_REDIS_RETRY_AFTER", "5"))


def cache_config(url, key_prefix=""):
    """CACHE_URL: empty or locmem:// for this process's memory, redis://host:port/db
    (or rediss:// for TLS) for a cache every instance shares, which fails soft: with
    Redis down or frozen, pages are served without it (docs/notes/faults.md)."""
    scheme = urlsplit(url).scheme
    if scheme in ("", "locmem"):
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    elif scheme in ("redis", "rediss"):
        config = {
            "BACKEND": "operations.cache.FailSoftRedisCache",
            "LOCATION": url,
            "RETRY_AFTER": REDIS_RETRY_AFTER,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL must start locmem://, redis:// or rediss://, not {scheme}://"
        )
    if key_prefix:
        config["KEY_PREFIX"] = key_prefix
    return config


# REDIS_URL is the production setting (Django's built-in Redis backend); CACHE_URL, if
# set, wins. Without either the cache is this process's memory, which suits one process
# only: the page cache's content version must be shared by every worker and server.
CACHES = {
    "default": cache_config(
        os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", ""),
        key_prefix=os.environ.get("DJANGO_CACHE_KEY_PREFIX", ""),
    )
}

# The whole-page cache for anonymous visitors (pagecache/cache.py), in front
# of Django in wsgi.py. DJANGO_PAGE_CACHE=0 turns it off (every page rendered).
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", True)
# The longest a rendered page is kept; any content change retires it at once anyway.
PAGE_CACHE_TIMEOUT = int(os.environ.get("DJANGO_PAGE_CACHE_TIMEOUT", "600"))
# Cache-Control: public, max-age=N on anonymous pages, for browsers and nginx. A
# change can take this long to reach a browser that already has the page, or to
# show through a proxy cache (see deploy/README.md).
PAGE_MAX_AGE = int(os.environ.get("DJANGO_PAGE_MAX_AGE", "60"))
# With Redis, each process also keeps this many recent pages in its own memory, used
# without a round trip while no change has been announced (pagecache.cache.LocalCopies).
PAGE_CACHE_LOCAL_ENTRIES = int(os.environ.get("DJANGO_PAGE_CACHE_LOCAL_ENTRIES", "200"))

# Everyone who has a password here is staff (only the admin signs in). 12 characters at
# least, as OWASP ASVS 2.1.1 asks; no rule on kinds of character, which only makes
# passwords harder to remember (ASVS 2.1.9), but common and all-digit ones are refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Email (alerts' confirmation and manage links): SMTP when EMAIL_HOST is set. In
# development without it, each email is written as a file to sent-emails/ to read.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
if DEBUG and not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH") or BASE_DIR / "sent-emails")

# Background work (sending alert emails). The database queue is the default, so nothing
# else is needed: `manage.py db_worker` runs the tasks (`make run` starts one beside the
# server). TASKS_BACKEND=redis runs the same tasks on Redis through RQ instead (needs
# REDIS_URL and `pip install .[rq]`; workers: `manage.py rqworker --job-class
# django_tasks_rq.Job --with-scheduler default`, the scheduler for items published for
# later). See docs/notes/alerts.md.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "redis":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            # RQ stops a job after 3 minutes unless told otherwise; a send task runs
            # until its change's emails are all sent, which a long list takes longer.
            "DEFAULT_TIMEOUT": 3600,
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'redis'.")

# Alert sending: how many emails a worker takes at a time (a worker killed mid-send may
# send at most these again), and how long they stay its own before another worker may
# take them over.
ALERTS_CHUNK = int(os.environ.get("ALERTS_CHUNK") or 200)
ALERTS_LEASE_SECONDS = int(os.environ.get("ALERTS_LEASE_SECONDS") or 300)
# How many workers share one change's emails (one send task each).
ALERTS_SENDERS = int(os.environ.get("ALERTS_SENDERS") or 2)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names in production (run collectstatic);
    # plain files while developing so nothing needs collecting.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Markdown typed by editors: one renderer (Markdown, then nh3) serves both the
# admin's live preview and the public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "publishing.markdown.render_markdown"
MARKDOWNX_MEDIA_PATH = "markdownx/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp")
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}
MARKDOWNX_SKIP_RESIZE = ()

LOGIN_URL = "admin:login"

# Brute-force protection for the admin sign-in (django-axes, with a second limit in
# operations/signin.py), two locks, each for 30 minutes after the last attempt:
# - a username at one address, after 5 wrong passwords there: someone who mistypes is
#   stopped soon, and no one else is locked out by it;
# - a username everywhere, after 20 wrong passwords for it from all addresses together,
#   counting at most 5 from any one: many addresses cannot keep guessing one account
#   (20 guesses per half hour at most), yet one attacker at one address, however long it
#   goes on, cannot lock a real editor out (that takes four addresses or more).
# An administrator lifts either early: `manage.py axes_reset_username <username>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "operations.signin.SignInLimits"
AXES_FAILURE_LIMIT = 5
SIGN_IN_ACCOUNT_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "strategy_site.views.admin_lockout"
# The visitor's address: REMOTE_ADDR, or, behind DJANGO_TRUSTED_PROXY_COUNT proxies
# that each append to X-Forwarded-For, the entry the outermost proxy wrote.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "operations.middleware.client_ip"

# Editor sessions: eight hours from sign-in, then sign in again.
SESSION_COOKIE_AGE = 8 * 60 * 60

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the whole domain (and its subdomains) to HTTPS in every
    # browser; that is the council's call to make, so it is opt-in.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser only accepts these over https, for this exact host, on
    # path /, so a sibling subdomain cannot plant or overwrite them. (Over plain
    # http in development a browser would refuse them, hence production only.)
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # Health checks from a load balancer often come over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script needs the CSRF cookie: the admin's forms carry the token, and
# django-markdownx's script, finding no cookie it can read, takes it from the form.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every response. Our templates and the
# admin have no inline script or style attribute, so there is no exception:
# - connect-src 'self': django-markdownx's live preview posts to /markdownx/markdownify/;
# - img-src 'self': the admin's icons and our uploads (an image an editor links from
#   another site is blocked, which also keeps visitors from being tracked by it);
# - media files answer with a stricter policy of their own (images.views.MEDIA_CSP).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # How a problem reads in the log: one line each (operations/logs.py).
    "filters": {
        # A 4xx or a suspicious request: no traceback, long values cut short.
        "client_errors_in_one_line": {"()": "operations.logs.ClientErrorsInOneLine"},
        # A database outage: logged when it starts and ends, not for every request.
        "one_line_per_outage": {"()": "operations.logs.OneLinePerOutage"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's records go to the root's handler alone: Django's own console handler
        # is replaced, so nothing is printed twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["one_line_per_outage"]},
        # WeasyPrint (the handouts' PDFs) logs each step of every PDF, and fontTools each
        # font it embeds: their warnings are worth reading, their progress is not.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
