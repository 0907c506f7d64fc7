"""Settings from the environment."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str = os.environ.get("DATABASE_URL", "")
    reporting_url: str = os.environ.get("REPORTING_DATABASE_URL", "")


settings = Settings()
