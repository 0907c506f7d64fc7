"""Celery tasks: background entry points."""
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


# ppa-context-todo: background              `app.task(f)` called, not used as a decorator
def archive():
    return None


archive_task = app.task(archive)
