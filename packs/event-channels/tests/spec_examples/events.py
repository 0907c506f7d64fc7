# CHECKS.md §4 transaction.event_channel_consistency, PY ✓ example: the channel name lives in
# one constant, used by the listener; the trigger in schema.sql spells the same literal.
CHANNEL = "job_events"
