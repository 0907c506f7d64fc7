"""Shared settings (F16 fixture)."""
import dj_database_url

DEBUG = False
AGE = 600

DATABASES = {
    # ppa-ok: resource.pool_configuration         persistent and health-checked
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "ATOMIC_REQUESTS": True,
        # ppa-ok: resource.pool_configuration
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    },
    # ppa-ok: resource.pool_configuration         per-request connections, but pooled by Django 5.1
    "pooled": {
        "ENGINE": "django.db.backends.postgresql",
        "OPTIONS": {"pool": {"min_size": 2, "max_size": 8}},
    },
    # ppa-ok: resource.pool_configuration
    "reporting": {
        "ENGINE": "django.db.backends.postgresql",
        # ppa: resource.pool_configuration MEDIUM   persistent forever, never checked
        "CONN_MAX_AGE": None,
    },
    # ppa: resource.pool_configuration LOW        one connection per request
    "analytics": {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": False},
    },
    # ppa-ok: resource.pool_configuration         SQLite: no server connection
    "cache": {"ENGINE": "django.db.backends.sqlite3", "NAME": "cache.sqlite3"},
    # ppa-ok: resource.pool_configuration         the health check is set by production.py
    "replica": {
        "ENGINE": "django.db.backends.postgresql",
        # ppa-ok: resource.pool_configuration
        "CONN_MAX_AGE": AGE,
    },
    # ppa-ok: resource.pool_configuration         the age comes from the environment: unknown
    "events": dj_database_url.config(conn_max_age=int(os.environ.get("AGE", "0"))),
    # ppa: resource.pool_configuration MEDIUM     dj-database-url: persistent, not checked
    "legacy": dj_database_url.config(default="postgres://app@db/legacy", conn_max_age=600),
}
