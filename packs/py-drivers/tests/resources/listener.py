# resource.missing_cleanup on consumers: a function that ends in an endless loop has no normal
# exit path; one that can leave the loop does.
import asyncpg


async def listen_forever(dsn, inbox):
    # ppa-ok: resource.missing_cleanup
    conn = await asyncpg.connect(dsn)
    while True:
        event = await inbox.get()
        await conn.execute("INSERT INTO events (body) VALUES ($1)", event)


async def listen_until_stop(dsn, inbox):
    # `break` leaves the loop: the function returns with the connection open.
    # ppa: resource.missing_cleanup HIGH
    conn = await asyncpg.connect(dsn)
    while True:
        event = await inbox.get()
        if event is None:
            break
        await conn.execute("INSERT INTO events (body) VALUES ($1)", event)
