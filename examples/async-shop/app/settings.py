"""Settings of the shop."""
CONFIG = {"timeout": 10, "retries": 3}
