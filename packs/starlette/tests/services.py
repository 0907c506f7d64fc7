"""Helpers the app's handlers call: their context comes from the call graph."""


# ppa-context: library hot=true            called by app.reset_jobs through a relative import
async def reset_stale(db):
    for job_id in await stale_ids(db):
        await db.execute("UPDATE jobs SET state = 'queued' WHERE id = $1", job_id)


# ppa-context: library hot=true
async def stale_ids(db):
    return await db.fetch("SELECT id FROM jobs WHERE state = 'running'")


# ppa-context: library hot=false           near miss: nothing calls it
async def purge(db):
    await db.execute("DELETE FROM jobs")
