# Per-iteration database operations on SQLAlchemy sessions and connections: query.n_plus_one (A),
# query.n_update_delete_loop and query.missing_bulk_ops. Entry points in ppa-facts.toml.
import asyncio
import time
from functools import lru_cache

from django.conf import settings
from flask import current_app
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from .models import Item, Job, Order, User

SessionLocal = sessionmaker()
AsyncSessionLocal = async_sessionmaker()


# --- query.n_plus_one (A): explicit reads per iteration -------------------------------------

# ppa-context: http_handler
def order_totals(session: Session, user_ids):
    totals = {}
    for uid in user_ids:
        # ppa: query.n_plus_one HIGH
        totals[uid] = session.scalar(select(Order.total).where(Order.user_id == uid))
    return totals


def owners(session: Session, orders):
    # ppa: query.n_plus_one HIGH
    return [session.get(User, o.user_id) for o in orders]


async def load_users(ids):
    async with AsyncSessionLocal() as s:
        out = []
        for i in ids:
            # ppa: query.n_plus_one MEDIUM, awaited async read; a library function
            out.append(await s.get(User, i))
        return out


def legacy_names(db, ids):
    names = []
    for i in ids:
        # ppa: query.n_plus_one HIGH, legacy Query API chain reported at its terminal
        names.append(db.query(User).filter(User.id == i).first().name)
    return names


def nested_orders(session: Session, users):
    for u in users:
        # ppa: query.n_plus_one HIGH, an inner loop's query runs once per outer row
        for o in session.query(Order).filter(Order.user_id == u.id):
            print(o.total)


def three_statuses(session: Session):
    counts = {}
    for st in ["new", "paid", "shipped"]:
        # ppa: query.n_plus_one LOW, three literal items
        counts[st] = session.scalar(select(Order.id).where(Order.status == st))
    return counts


async def parallel(ids):
    async with AsyncSessionLocal() as s:
        # ppa: query.n_plus_one MEDIUM, concurrent round trips: pool pressure
        return await asyncio.gather(*[s.get(User, i) for i in ids])


def one_query(session: Session, ids):
    # ppa-ok: query.n_plus_one, one set-based query
    return session.scalars(select(User).where(User.id.in_(ids))).all()


def iterate_once(session: Session):
    # ppa-ok: query.n_plus_one, the loop's own iterable runs once
    for u in session.scalars(select(User)):
        print(u.email)


def drain_in_batches(session: Session):
    while True:
        # ppa-ok: query.n_plus_one, a batch loop with a literal limit
        batch = session.scalars(select(Job).where(Job.status == "new").limit(100)).all()
        if not batch:
            break
        for j in batch:
            j.status = "queued"
        session.commit()


def poll(session: Session):
    while True:
        # ppa-ok: query.n_plus_one, a polling loop that sleeps
        job = session.scalars(select(Job).where(Job.status == "new")).first()
        if job is not None:
            job.status = "running"
            session.commit()
        # Without a job, the read's implicit transaction stays open during the sleep.
        # ppa: transaction.long_held_transaction HIGH
        time.sleep(5)


def cached_rates(session: Session, orders):
    rates = {}
    for o in orders:
        if o.status not in rates:
            # ppa-ok: query.n_plus_one, cache-aside read per distinct key
            rates[o.status] = session.scalar(select(Order.total).where(Order.status == o.status))
    return rates


def http_calls(http_session, urls):
    for u in urls:
        # ppa-ok: query.n_plus_one, an HTTP client session, not a database one
        http_session.get(u, timeout=5)


def per_row_callback(session: Session, ids):
    # ppa-ok: query.n_plus_one, the lambda is its own function, not the loop body
    loaders = [lambda: session.get(User, i) for i in ids]
    return loaders


def indirect(session: Session, ids):
    for i in ids:
        # ppa: query.n_plus_one MEDIUM, a call to an in-project read function (F12)
        fetch_user(session, i)


def fetch_user(session: Session, i):
    return session.get(User, i)


def fallback_algorithms():
    return current_app.config.get("HASH_ALGORITHM_FALLBACKS", [])


def known_algorithms(session: Session):
    return session.scalars(select(User.name)).all()


# ppa-context: http_handler
def find_by_fallback_keys(session: Session, payload):
    for algo in fallback_algorithms():
        # ppa: query.n_plus_one LOW, the loop runs over a configured list of hash algorithms (a function returning app.config)
        entry = fetch_user(session, hash((algo, payload)))
        if entry:
            return entry
    return None


# ppa-context: http_handler
def replicas_status(session: Session):
    out = []
    for name in current_app.config["REPLICA_NAMES"]:
        # ppa: query.n_plus_one LOW, a configuration list read in the loop's header
        out.append(session.get(User, name))
    names = list(settings.REPORT_USERS)
    for name in names:
        # ppa: query.n_plus_one LOW, through a name assigned from configuration
        out.append(session.get(User, name))
    for name in names:
        # ppa-todo: query.n_plus_one LOW, a call to a read function over a name assigned from configuration: the loop's record keeps the iterable's text only
        out.append(fetch_user(session, name))
    for name in known_algorithms(session):
        # ppa: query.n_plus_one HIGH, rows of a query: not configuration
        out.append(fetch_user(session, name))
    for name in settings.report_users():
        # ppa: query.n_plus_one HIGH, a method of a settings object, not a configuration value
        out.append(session.get(User, name))
    return out


# --- query.n_update_delete_loop ----------------------------------------------------------------

async def reset_jobs(stale):
    async with AsyncSessionLocal() as s:
        for j in stale:
            # ppa: query.n_update_delete_loop HIGH
            await s.execute(update(Job).where(Job.id == j.id).values(status="reset"))
        await s.commit()


async def reset_jobs_set_based(stale):
    async with AsyncSessionLocal() as s:
        # ppa-ok: query.n_update_delete_loop, one set-based UPDATE
        await s.execute(update(Job).where(Job.id.in_([j.id for j in stale])).values(status="reset"))
        await s.commit()


def purge(session: Session, ids):
    for i in ids:
        # ppa: query.n_update_delete_loop HIGH
        session.execute(delete(Job).where(Job.id == i))
    session.commit()


def purge_text(conn, ids):
    with SessionLocal() as session:
        for i in ids:
            # ppa: query.n_update_delete_loop HIGH, raw SQL verb
            session.execute(text("UPDATE jobs SET status = 'gone' WHERE id = :id"), {"id": i})


def legacy_bump(db, ids):
    for i in ids:
        # ppa: query.n_update_delete_loop HIGH
        db.query(Job).filter(Job.id == i).update({"attempts": Job.attempts + 1})


def two_known(session: Session):
    for i in (1, 2):
        # ppa: query.n_update_delete_loop MEDIUM, two literal items
        session.execute(delete(Job).where(Job.id == i))


def bulk_by_pk(session: Session, rows):
    # ppa-ok: query.n_update_delete_loop, executemany by primary key
    session.execute(update(Job), [{"id": r["id"], "status": r["status"]} for r in rows])


def attribute_updates(session: Session, jobs):
    for j in jobs:
        # ppa-ok: query.n_update_delete_loop, unit-of-work updates flushed once
        j.status = "done"
    session.commit()


def process(session: Session, jobs):
    for j in jobs:
        try:
            run(j)
        except Exception:
            # ppa-ok: query.n_update_delete_loop, failure bookkeeping for the current item
            session.execute(update(Job).where(Job.id == j.id).values(status="failed"))


def run(job):
    return job


def init_jobs():
    with SessionLocal() as session:
        for i in range(500):
            # ppa: query.n_update_delete_loop LOW, init function
            session.execute(update(Job).where(Job.id == i).values(status="new"))


# --- query.missing_bulk_ops --------------------------------------------------------------------

async def import_items(rows):
    async with AsyncSessionLocal() as s:
        for r in rows:
            # ppa: query.missing_bulk_ops MEDIUM, a flush per row
            s.add(Item(**r)); await s.flush()


def import_items_batched(session: Session, rows):
    for r in rows:
        # ppa: query.missing_bulk_ops LOW, one batched flush after the loop
        session.add(Item(**r))
    session.commit()


def import_items_bulk(session: Session, rows):
    # ppa-ok: query.missing_bulk_ops, add_all
    session.add_all([Item(**r) for r in rows])
    # ppa-ok: query.missing_bulk_ops, executemany insert
    session.execute(insert(Item), rows)
    session.commit()


def upsert_items(session: Session, items):
    for it in items:
        # ppa: query.missing_bulk_ops MEDIUM, merge selects each object first
        session.merge(it)
    session.commit()


def insert_rows(conn, rows):
    with SessionLocal() as session:
        for r in rows:
            # ppa: query.missing_bulk_ops MEDIUM, one INSERT statement per row
            session.execute(insert(Item).values(sku=r["sku"], qty=r["qty"]))
        session.commit()


def delete_each(session: Session, items):
    for it in items:
        # ppa: query.missing_bulk_ops MEDIUM, a commit per deleted row
        session.delete(it)
        session.commit()


def sets_only(tags, items):
    seen = set()
    for it in items:
        # ppa-ok: query.missing_bulk_ops, a set, not a session
        seen.add(it)
    return seen


def init_items(rows):
    with SessionLocal() as session:
        for r in rows:
            # ppa: query.missing_bulk_ops LOW, init function
            session.execute(insert(Item).values(sku=r["sku"], qty=1))
        session.commit()


# --- Flask-SQLAlchemy's `Model.query` -----------------------------------------------------------

def flask_owners(orders):
    # ppa: query.n_plus_one MEDIUM, a get through the model query property per row
    return [User.query.get(o.user_id) for o in orders]


def flask_close(ids):
    for i in ids:
        # ppa: query.n_update_delete_loop HIGH
        Job.query.filter_by(id=i).delete()


def flask_dicts(rows):
    for r in rows:
        # ppa-ok: query.n_plus_one, a lower-case name is not a model
        r.query.get("x")


# --- near misses found on real code ------------------------------------------------------------

def batched_purge(session: Session, ids):
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        # ppa-ok: query.n_update_delete_loop, one set-based DELETE per chunk of ids
        session.execute(delete(Job).where(Job.id.in_(chunk)))


def per_table(session: Session, tenant_id):
    for model in [Job, Item, Order]:
        # ppa-ok: query.n_update_delete_loop, one statement per table
        session.query(model).filter_by(tenant_id=tenant_id).delete()


async def paginate(session: AsyncSession, batch_size):
    offset = 0
    while True:
        query = select(Job).order_by(Job.id).limit(batch_size).offset(offset)
        # ppa-ok: query.n_plus_one, a paginated batch loop
        rows = (await session.execute(query)).scalars().all()
        if not rows:
            break
        offset += batch_size


async def parenthesized(session: AsyncSession):
    # ppa-ok: runtime.blocking_io_in_async, awaited through parentheses
    await (
        session.flush()
    )


def upserts(session: Session, segments):
    for seg in segments:
        upsert_statement = insert(Item).values(seg.rows)
        upsert_statement = upsert_statement.returning(Item.id)
        # ppa-ok: query.n_plus_one, a multi-row upsert built in a reassigned variable
        session.execute(upsert_statement)


async def write_batches(session: AsyncSession, batches):
    for batch in batches:
        rows = [e.as_row() for e in batch]
        # ppa-ok: query.missing_bulk_ops, a multi-row INSERT per batch
        await session.execute(insert(Item).values(rows))
        # ppa-ok: query.n_plus_one, a set-based read per batch
        await session.scalars(select(Item.id).where(Item.id.in_([r["id"] for r in rows])))


async def drain(session: AsyncSession, batch_size):
    base = select(Job.id).order_by(Job.id).limit(batch_size)
    last = 0
    while True:
        # ppa-ok: query.n_plus_one, keyset pagination over a limited statement variable
        ids = (await session.execute(base.where(Job.id > last))).scalars().all()
        if not ids:
            break
        last = ids[-1]


async def drain_helper(session: AsyncSession):
    while True:
        # ppa-ok: query.n_plus_one, a drain loop that stops on an empty batch
        ids = (await session.execute(pending_batch())).scalars().all()
        if not ids:
            break


def pending_batch():
    return select(Job.id).limit(100)


async def upsert_returning(session: AsyncSession, batches):
    stmt = (insert(Item).returning(Item.id)).execution_options(dml_strategy="raw")
    for batch in batches:
        # ppa-ok: query.n_plus_one, executemany through scalars
        await session.scalars(stmt, [dict(r) for r in batch])


class JobStore:
    def __init__(self, uow: Session):
        self.uow = uow

    def close_all(self, ids):
        for i in ids:
            # ppa: query.n_update_delete_loop HIGH, an attribute typed in __init__ (receiver kinds)
            self.uow.execute(update(Job).where(Job.id == i).values(status="closed"))

    async def close_all_async(self, ids):
        # ppa: runtime.blocking_io_in_async MEDIUM, a sync session attribute in a coroutine
        self.uow.execute(update(Job).where(Job.id.in_(ids)).values(status="closed"))


def delete_remote(urls):
    import requests

    s = requests.Session()
    for u in urls:
        # ppa-ok: query.missing_bulk_ops, an HTTP session bound by requests
        s.delete(u)


def indirect_two_hops(session: Session, ids):
    for i in ids:
        # ppa: query.n_plus_one MEDIUM, the read is one more call away
        user_label(session, i)


def user_label(session: Session, i):
    return fetch_user(session, i).name


@lru_cache(maxsize=256)
def cached_user(i):
    with SessionLocal() as session:
        return session.get(User, i)


def via_cache(ids):
    for i in ids:
        # ppa-ok: query.n_plus_one, the callee is cached
        cached_user(i)


def process_one(job_id):
    with SessionLocal() as session:
        job = session.get(Job, job_id)
        job.status = "done"
        session.commit()


def run_jobs(job_ids):
    for job_id in job_ids:
        # ppa-ok: query.n_plus_one, the callee opens its own unit of work per job
        process_one(job_id)


class UserRepo:
    def __init__(self, session: Session):
        self.session = session

    def by_id(self, i):
        return self.session.get(User, i)

    def names(self, ids):
        # ppa: query.n_plus_one MEDIUM, a repository method per id
        return [self.by_id(i).name for i in ids]


def create_ref(session: Session, parent_id, child_id):
    parent = session.get(Job, parent_id)
    session.add(Item(sku=str(parent.id), qty=child_id))


def create_refs(session: Session, pairs):
    for p, c in pairs:
        # ppa-ok: query.n_plus_one, the callee writes: a per-row write, not an N+1 read
        # ppa: query.missing_bulk_ops LOW, an add per call, flushed later
        create_ref(session, p, c)


async def message_loop(session: AsyncSession, queue):
    while True:
        msg = await queue.get()
        # ppa-ok: query.n_plus_one, one query per message of a message loop
        await s_load(session, msg)


async def s_load(session: AsyncSession, msg):
    return await session.get(Job, msg)


def decrement(session: Session, job_id):
    stmt = update(Job).where(Job.id == job_id)
    stmt = stmt.values(attempts=Job.attempts - 1)
    session.execute(stmt)


def release_all(session: Session, jobs):
    for j in jobs:
        # ppa-ok: query.n_plus_one, the callee UPDATEs (a reassigned statement variable)
        # ppa: query.n_update_delete_loop HIGH, through the in-project function
        decrement(session, j.id)


def announce(session: Session, job_id):
    session.execute(text("SELECT pg_notify('jobs', :id)"), {"id": str(job_id)})


def announce_all(session: Session, ids):
    for i in ids:
        # ppa-ok: query.n_plus_one, a NOTIFY per item is not a read
        announce(session, i)


def save_event(session: Session, row):
    session.add(Item(**row))
    session.commit()


def save_events(session: Session, rows):
    for r in rows:
        # ppa: query.missing_bulk_ops MEDIUM, the callee commits each row
        save_event(session, r)
    for r in rows:
        try:
            # ppa: query.missing_bulk_ops MEDIUM
            save_event(session, r)
        except Exception:
            # ppa-ok: query.n_update_delete_loop, failure bookkeeping
            decrement(session, r["id"])


def purge_model(session: Session, model, ids):
    session.execute(delete(model).where(model.id.in_(ids)))


def purge_models(session: Session, plan):
    for model, ids in plan.items():
        # ppa-ok: query.n_update_delete_loop, the callee deletes a set per call
        purge_model(session, model, ids)


def bump(session: Session, job_id):
    q = (
        update(Job).where(Job.id == job_id)
    )
    if job_id:
        q = q.values(attempts=Job.attempts + 1)
    session.execute(q)


def bump_all(session: Session, ids):
    for i in ids:
        # ppa-ok: query.n_plus_one, a parenthesized UPDATE builder
        # ppa: query.n_update_delete_loop HIGH
        bump(session, i)
