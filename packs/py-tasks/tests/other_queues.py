"""Dramatiq actors, RQ jobs and APScheduler jobs."""
import dramatiq
from apscheduler.schedulers.background import BackgroundScheduler
from redis import Redis
from rq import Queue
from rq.decorators import job

queue = Queue(connection=Redis())
scheduler = BackgroundScheduler()


# ppa-context: background framework=dramatiq
@dramatiq.actor(max_retries=3)
def resize_image(path):
    return path


# ppa-context: background framework=rq
@job("low")
def rebuild_index():
    return None


# ppa-context: background
def send_report(user_id):
    return user_id


# ppa-context: background
def cleanup():
    return None


# ppa-context: background
def refresh_rates():
    return None


# ppa-context: library                       near miss: queued by a method of something else
def not_queued():
    return None


queue.enqueue(send_report, 42)
scheduler.add_job(cleanup, "interval", hours=1)


@scheduler.scheduled_job("cron", hour=3)
# ppa-context: background
def nightly():
    refresh_rates()


queue.enqueue_call(func=refresh_rates)
