"""Settings of the shop project."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only")
DEBUG = os.environ.get("DEBUG") == "1"
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "catalog",
    "orders",
]

ROOT_URLCONF = "shop.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "shop"),
        "HOST": os.environ.get("DB_HOST", "localhost"),
        # Persistent connections, but stale ones are never checked (planted).
        "CONN_MAX_AGE": 600,
    },
    # A reporting replica: a new connection per request (planted).
    "reporting": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop_reporting",
    },
}

PAYMENT_GATEWAY_URL = os.environ.get("PAYMENT_GATEWAY_URL", "https://payments.example.com/capture")

REST_FRAMEWORK = {"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination", "PAGE_SIZE": 50}
