"""Celery tasks: background entry points."""
import asyncio

from celery import Celery, Task, shared_task

from .billing import charge_all

app = Celery("shop")


# ppa-context: background framework=celery
@shared_task
def send_receipt(order_id):
    return order_id


# ppa-context: background framework=celery
@app.task(bind=True, max_retries=3)
def nightly_billing(self):
    charge_all()


class Reindex(Task):
    # ppa-context: background framework=celery
    def run(self, *args):
        return args

    # ppa-context: library                   near miss: not the task body
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        return None


# ppa-context: library                       near miss: an ordinary decorator
@staticmethod
def helper():
    return None


# ppa-context: background framework=celery   `app.task(f)` called, not used as a decorator
def archive():
    return None


# ppa-context: background framework=celery   `shared_task(f, name=…)`
def rebuild_search_index():
    return None


# ppa-context: library                       near miss: a project helper whose name ends in `task`
def rotate_logs():
    return None


# ppa-context: library                       near miss: `asyncio.create_task` of a coroutine function
async def heartbeat():
    return None


def make_task(fn):
    return fn


archive_task = app.task(archive)
reindex_task = shared_task(rebuild_search_index, name="search.reindex")
rotate_task = make_task(rotate_logs)


async def start_heartbeat():
    return asyncio.create_task(heartbeat)
