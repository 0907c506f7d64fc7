# Settings read from the environment (no engine here).
import os


class Settings:
    DATABASE_URL = os.environ.get("DATABASE_URL", "")
    DB_PRE_PING = os.environ.get("DB_PRE_PING", "1") == "1"
    DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))
    DB_MAX_OVERFLOW = int(os.environ.get("DB_MAX_OVERFLOW", "5"))
    ini_section = {}


settings = Settings()
