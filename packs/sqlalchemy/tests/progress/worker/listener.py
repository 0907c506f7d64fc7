"""The progress listener (its LISTEN comes from ppa-facts.toml in this fixture)."""

CHANNEL = "job_events"
