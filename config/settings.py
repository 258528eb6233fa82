"""One settings module, driven by environment variables.

Embedded default (no variables set): SQLite file, local-memory cache, Celery
tasks run in-process. With DATABASE_URL and REDIS_URL the same code runs on
PostgreSQL and Redis with real workers.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-insecure-key-change-me-" + "x" * 40
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Before the admin: its TranslationAdmin and the catalogue's translated columns (shop/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shop",
    "shop.vouchers",
    "shop.reviews",
    "personalization.recommendations",
    "personalization.tracking",
    "personalization.experiments",
    "personalization.offers",
    "personalization.ads",
    "personalization.assistant",
    "personalization.search",
    "demo",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # After CORS, so an app's refused request still carries the headers it needs to read the error.
    "config.input_guard.InputGuardMiddleware",
    # Outside CommonMiddleware (whose slash redirects stay redirects): any other 404 under /api/ is JSON.
    "config.api_errors.ApiNotFoundMiddleware",
    # After sessions (the chosen language), before common (which may redirect on the translated path).
    "config.language.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "personalization.tracking.middleware.VisitorIdMiddleware",
    "personalization.tracking.middleware.TrackingMiddleware",
    # Counts the tracking decisions (recorded, bot, DNT...) for the console's bot share.
    "personalization.tracking.tally.DecisionTallyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "shop.context_processors.shop",
            ],
            # `personalization` is an umbrella package, not an app, so its shared tags are named here.
            "libraries": {
                "personalization_tags": "personalization.templatetags.personalization_tags",
                "console_tags": "personalization.console.templatetags.console_tags",
            },
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests of the dev server and the simulator's worker processes would otherwise hit
    # "database is locked": writers wait up to 20 s for each other, and a transaction takes the write
    # lock when it begins (IMMEDIATE), not halfway through, where waiting could deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL read replica for the catalogue's reads (config/db_router.py); cart, checkout, accounts and
# the pages after a visitor's write stay on the primary for DATABASE_REPLICA_LAG_SECONDS.
DATABASE_REPLICA_LAG_SECONDS = int(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "10"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "config.db_router.PrimaryReadsMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

REDIS_URL = os.environ.get("REDIS_URL", "")


def _redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    if parts.path.strip("/") not in {"", "0"}:
        return url
    return urlunsplit(parts._replace(path=f"/{db}"))


# The cache lives in its own Redis database, so clearing it never drops queued tasks or buffered events.
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", _redis_db(REDIS_URL, 1) if REDIS_URL else "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Answers as an empty cache while Redis is unreachable: the store runs on without it.
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "store"),
            # Seconds: a paused or unreachable Redis costs a page this much, once per config.cache.RETRY_AFTER.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "shop:login"
LOGIN_REDIRECT_URL = "shop:account"
LOGOUT_REDIRECT_URL = "shop:home"

# Pages live under /zh-hans/... for Chinese and unprefixed for English (config/urls.py); a language is
# added by listing it here and shipping its locale/<name>/LC_MESSAGES/django.po and .mo.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Catalogue content (names, descriptions, attributes...) has a column per language (django-modeltranslation);
# a text not written in the active language shows the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Code that creates a row with the plain field (name=...) also fills the English column, whatever language is active.
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = "UTC"
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@example.com")

# Enforced in development too, so that a page that breaks under it breaks on the developer's screen.
# Scripts and styles come only from the shop's own static files; json_script data blocks are not scripts.
# The API docs add inline styles (config/urls.py); updates there extend the lists named here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Production hardening; `manage.py check --deploy` passes with DEBUG=0 (after collectstatic: config/checks.py).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Container health checks ask the app server directly, over plain HTTP behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Reverse proxies in front of the app that append the client's address to X-Forwarded-For. 0: the header
# is ignored and REMOTE_ADDR is the client; a count higher than the real one lets clients pick their address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Sign-in, password reset and sign-up limits (shop/ratelimits.py), per account and per client address, as
# django-ratelimit's "count/period" with s, m, h or d ("10/15m"). Counted in the default cache; without Redis
# that is each process's own memory. django_ratelimit is not an installed app: only its counter is used, and its
# system check would reject the embedded default's local-memory cache.
ACCOUNT_RATE_LIMITS = {
    "login_account": os.environ.get("ACCOUNT_LOGIN_RATE_PER_ACCOUNT", "10/15m"),
    "login_address": os.environ.get("ACCOUNT_LOGIN_RATE_PER_ADDRESS", "30/15m"),
    "password_reset_account": os.environ.get("ACCOUNT_PASSWORD_RESET_RATE_PER_ACCOUNT", "3/h"),
    "password_reset_address": os.environ.get("ACCOUNT_PASSWORD_RESET_RATE_PER_ADDRESS", "10/h"),
    "signup_address": os.environ.get("ACCOUNT_SIGNUP_RATE_PER_ADDRESS", "10/h"),
    "review_account": os.environ.get("REVIEW_RATE_PER_ACCOUNT", "10/h"),
    "review_address": os.environ.get("REVIEW_RATE_PER_ADDRESS", "30/h"),
}
# The address django-ratelimit's key="ip" reads, should a view use its decorator.
RATELIMIT_IP_META_KEY = "shop.client_address.client_address"
# With Redis down the cache answers as an empty one (config.cache) and a count cannot be kept: let the request
# through, as the throttles and account limits intend, instead of django-ratelimit's default of refusing it.
RATELIMIT_FAIL_OPEN = True

# Celery: eager in-process without a broker, Redis with one.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token for the app; session for the site's own pages (DRF enforces CSRF for it).
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "config.api_errors.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "shop.api.pagination.ShopPagination",
    "PAGE_SIZE": 24,
    # DRF's own throttles on atomic counters (theirs read and write back a history, which parallel requests outrun).
    "DEFAULT_THROTTLE_CLASSES": [
        "shop.api.throttling.AnonRateThrottle",
        "shop.api.throttling.UserRateThrottle",
        # Applies only to views that name a throttle_scope.
        "shop.api.throttling.ScopedRateThrottle",
    ],
    # Only for DRF code that reads the address itself; the shop's throttles ask shop.client_address.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "600/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "2000/minute"),
        "events": os.environ.get("API_THROTTLE_EVENTS", "1200/minute"),
        # Sign-in and registration, per client IP or user: slows down password guessing.
        "auth": os.environ.get("API_THROTTLE_AUTH", "30/minute"),
        # The shopping assistant, per visitor and per address: each message runs a search.
        "assistant": os.environ.get("API_THROTTLE_ASSISTANT", "30/minute"),
        "assistant-address": os.environ.get("API_THROTTLE_ASSISTANT_ADDRESS", "120/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Store API",
    "DESCRIPTION": "REST API v1 of the store, for the mobile app. Sign in with POST /api/v1/auth/token and send "
    "`Authorization: Token <token>`. Every error has the body "
    '`{"error": {"code": ..., "message": ..., "fields": {...}}}`; money is a decimal string.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API speaks JSON; the schema documents only that.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "RENDERER_WHITELIST": ["rest_framework.renderers.JSONRenderer"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
CORS_URLS_REGEX = r"^/api/.*$"

# Shop
SHOP_CURRENCY = os.environ.get("SHOP_CURRENCY", "USD")
SHOP_NAME = os.environ.get("SHOP_NAME", "Northwind Store")
SHOP_PAGE_SIZE = 24
# Reviews: held for staff before they show (True), or published at once unless an automatic hold applies.
REVIEWS_REQUIRE_APPROVAL = env_bool("REVIEWS_REQUIRE_APPROVAL", False)
# A burst: this many 5-star reviews of one product within the window from accounts younger than the age.
REVIEWS_BURST = {"count": 3, "window_hours": 24, "account_age_days": 7}
# Photos with a review: at most this many, each upload at most max_bytes and max_pixels (shop/reviews/photos.py).
REVIEWS_PHOTOS = {"max_count": 4, "max_bytes": 8 * 2**20, "max_pixels": 40_000_000}
# Who orders category and search listings (shop.listing); the shop alone would keep the catalogue's order.
SHOP_LISTING_RANKER = "personalization.serving.listing.PersonalizedListingRanker"
# A query's ranked matches are kept in the shared cache until the catalogue moves (shop.search.selectors):
# shoppers repeat the same queries, and a frequent word's statement costs 10-40 ms at a million products.
SHOP_SEARCH_KEEP_MATCHES = os.environ.get("SHOP_SEARCH_KEEP_MATCHES", "1") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Tracking
# Off by default; on, nothing is recorded (and no visitor cookie is issued) until the visitor accepts.
PERSONALIZATION_REQUIRE_CONSENT = env_bool("PERSONALIZATION_REQUIRE_CONSENT", False)
# Empty: events go straight to the database (embedded default). Set: a Redis list buffers them.
TRACKING_REDIS_URL = os.environ.get("TRACKING_REDIS_URL", REDIS_URL)
TRACKING_REDIS_PREFIX = os.environ.get("TRACKING_REDIS_PREFIX", "tracking:")
TRACKING_RETENTION_DAYS = int(os.environ.get("TRACKING_RETENTION_DAYS", "365"))
# More page views than this from one visitor (or address) in a minute is a bot.
TRACKING_BOT_PAGE_VIEWS_PER_MINUTE = int(os.environ.get("TRACKING_BOT_PAGE_VIEWS_PER_MINUTE", "120"))
TRACKING_FLUSH_BATCH_SIZE = int(os.environ.get("TRACKING_FLUSH_BATCH_SIZE", "5000"))
TRACKING_VISITOR_COOKIE_AGE = 60 * 60 * 24 * 400  # seconds; browsers cap cookie lifetimes at 400 days

# Recommendations
RECSYS_DEVICE = os.environ.get("RECSYS_DEVICE", "auto")  # auto: cuda when the worker has one, else cpu
RECSYS_EPOCHS = int(os.environ.get("RECSYS_EPOCHS", "60"))
RECSYS_MAX_TRAIN_SECONDS = float(os.environ.get("RECSYS_MAX_TRAIN_SECONDS", "240"))
# Devices (GPUs, or CPU processes) the training worker trains SASRec on: above 1 the task starts torchrun
# (personalization/recsys/distributed.py) with this many processes, data-parallel; 1 trains in the worker.
RECSYS_TRAIN_DEVICES = int(os.environ.get("RECSYS_TRAIN_DEVICES", "1"))
# torchrun's options for a run over several nodes ("--nnodes 2 --rdzv-backend c10d --rdzv-endpoint host:29400");
# empty: one node (--standalone).
RECSYS_TORCHRUN_ARGS = os.environ.get("RECSYS_TORCHRUN_ARGS", "")
# Torch threads in a process that serves pages (0 leaves torch's default); one is fastest for one shopper.
RECSYS_SERVING_THREADS = int(os.environ.get("RECSYS_SERVING_THREADS", "1"))
# A challenger must beat the champion's NDCG@10 by this fraction on the same holdout to be promoted.
RECSYS_PROMOTION_MARGIN = float(os.environ.get("RECSYS_PROMOTION_MARGIN", "0.01"))
# Candidates come from the sequence model's item vectors: scored exactly below this many items, through an
# HNSW graph (personalization/recsys/ann.py) built when a version is registered from this many on.
RECSYS_RETRIEVAL_EXACT_BELOW = int(os.environ.get("RECSYS_RETRIEVAL_EXACT_BELOW", "50000"))
# Bytes of model weights a process keeps loaded (champions and versions pinned by experiments), least recently
# used out first; the model just loaded always stays.
RECSYS_LOADED_MODELS_MAX_BYTES = int(os.environ.get("RECSYS_LOADED_MODELS_MAX_BYTES", str(2 * 2**30)))

# Personalization: False turns every decision into the page's default order.
PERSONALIZATION_ENABLED = env_bool("PERSONALIZATION_ENABLED", True)
# Buyers' ratings as a signal: training weighs a purchase by its stars (recsys.data.RATED_EVENT_WEIGHTS) and
# ranking never lifts a product most buyers rated badly above the others (serving.ranking). Off: neither.
PERSONALIZATION_RATING_SIGNAL = env_bool("PERSONALIZATION_RATING_SIGNAL", True)
# Past this, ranking stops trying models and returns the default order.
PERSONALIZATION_TIME_BUDGET_MS = float(os.environ.get("PERSONALIZATION_TIME_BUDGET_MS", "150"))
# Models of up to this many items score their whole catalogue once per shopper's history (kept in the cache
# for 30 s, 4 bytes an item); larger ones score each list's candidates alone (serving.ranking).
PERSONALIZATION_WHOLE_CATALOGUE_SCORES_MAX_ITEMS = int(
    os.environ.get("PERSONALIZATION_WHOLE_CATALOGUE_SCORES_MAX_ITEMS", "50000")
)

# Experiments
# Seconds the running experiments stay cached per process (assignment reads them on every page).
EXPERIMENTS_RUNNING_CACHE_SECONDS = int(os.environ.get("EXPERIMENTS_RUNNING_CACHE_SECONDS", "30"))
# Days of purchases before a unit's first exposure used as the CUPED covariate.
EXPERIMENTS_PRE_PERIOD_DAYS = int(os.environ.get("EXPERIMENTS_PRE_PERIOD_DAYS", "30"))

# Ads
ADS_ENABLED = env_bool("ADS_ENABLED", True)
# No click is ever charged less than this (the price of a bidder alone in an auction).
ADS_RESERVE_CPC = os.environ.get("ADS_RESERVE_CPC", "0.05")  # a decimal string, in the shop's currency
# At most one ad per this many organic products of a listing, and never more than ADS_MAX_PER_SLOT.
ADS_MAX_SHARE = os.environ.get("ADS_MAX_SHARE", "1/6")  # a fraction: ads per organic product
ADS_MAX_PER_SLOT = int(os.environ.get("ADS_MAX_PER_SLOT", "2"))
# Impressions of one campaign per visitor per day.
ADS_FREQUENCY_CAP = int(os.environ.get("ADS_FREQUENCY_CAP", "6"))
# Fraction of the daily budget a campaign may spend ahead of an even spread over the day.
ADS_PACING_SLACK = float(os.environ.get("ADS_PACING_SLACK", "0.05"))
# Predicted CTR of an ad without history: the slot's average CTR, worth this many impressions.
ADS_DEFAULT_CTR = float(os.environ.get("ADS_DEFAULT_CTR", "0.02"))
ADS_PRIOR_IMPRESSIONS = float(os.environ.get("ADS_PRIOR_IMPRESSIONS", "50"))
ADS_QUALITY_WINDOW_DAYS = int(os.environ.get("ADS_QUALITY_WINDOW_DAYS", "30"))
# Orders of the advertised product by the clicking visitor within this many days count for the ad.
ADS_ATTRIBUTION_DAYS = int(os.environ.get("ADS_ATTRIBUTION_DAYS", "7"))
ADS_CLICK_MAX_AGE = int(os.environ.get("ADS_CLICK_MAX_AGE", str(60 * 60 * 24)))  # seconds a click link is paid for
# Paid clicks per visitor and per client address within each window of this many seconds; past them a
# click still leads to the product but is logged as filtered, never charged (one office shares an address).
ADS_CLICK_CAP_WINDOW = int(os.environ.get("ADS_CLICK_CAP_WINDOW", "3600"))
ADS_CLICK_CAP_PER_VISITOR = int(os.environ.get("ADS_CLICK_CAP_PER_VISITOR", "10"))
ADS_CLICK_CAP_PER_ADDRESS = int(os.environ.get("ADS_CLICK_CAP_PER_ADDRESS", "30"))
# Seconds the index of live campaigns stays cached; edits in the admin clear it at once.
ADS_INDEX_CACHE_SECONDS = int(os.environ.get("ADS_INDEX_CACHE_SECONDS", "60"))

# Offers
# Days after a shopper is decided in which an order counts as the offer's outcome (uplift training).
OFFERS_OUTCOME_DAYS = int(os.environ.get("OFFERS_OUTCOME_DAYS", "14"))

# Assistant
# An optional large-language-model engine (personalization/assistant/llm.py): an OpenAI-compatible
# chat-completions URL (".../v1/chat/completions"; a URL ending in /v1 gets the rest) and a model name switch it on;
# unset, the assistant runs offline and no message leaves the shop. The key is sent as a Bearer token.
ASSISTANT_LLM_URL = os.environ.get("ASSISTANT_LLM_URL", "")
ASSISTANT_LLM_MODEL = os.environ.get("ASSISTANT_LLM_MODEL", "")
ASSISTANT_LLM_API_KEY = os.environ.get("ASSISTANT_LLM_API_KEY", "")
# Seconds for a whole turn (every round, every byte); past it the offline engine answers. Connecting gets at most
# the second figure.
ASSISTANT_LLM_TIMEOUT = float(os.environ.get("ASSISTANT_LLM_TIMEOUT", "8"))
ASSISTANT_LLM_CONNECT_TIMEOUT = float(os.environ.get("ASSISTANT_LLM_CONNECT_TIMEOUT", "2"))
# Rounds of tool calls in one turn, tokens per completion, and tokens of all rounds together (as the endpoint
# reports them); past either limit the offline engine answers.
ASSISTANT_LLM_MAX_ROUNDS = int(os.environ.get("ASSISTANT_LLM_MAX_ROUNDS", "4"))
ASSISTANT_LLM_MAX_TOKENS = int(os.environ.get("ASSISTANT_LLM_MAX_TOKENS", "500"))
ASSISTANT_LLM_TOKEN_BUDGET = int(os.environ.get("ASSISTANT_LLM_TOKEN_BUDGET", "8000"))
