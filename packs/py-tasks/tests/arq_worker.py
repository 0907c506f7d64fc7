"""arq worker settings."""
from arq import cron


# ppa-context: background framework=arq
async def send_email(ctx, to):
    return to


# ppa-context: background framework=arq
async def purge_sessions(ctx):
    return None


# ppa-context: init framework=arq
async def connect(ctx):
    return None


class WorkerSettings:
    functions = [send_email]
    cron_jobs = [cron(purge_sessions, hour=4)]
    on_startup = connect
