from .base import *  # noqa

DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
