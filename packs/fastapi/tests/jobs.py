"""Work the API hands to BackgroundTasks, or calls on the request path."""


# ppa-context: library hot=true              reached from POST /jobs/reset
async def reset_stale(db):
    return db


# ppa-context: background framework=fastapi  runs after the response of POST /orders
async def send_receipt(order_id):
    return order_id


# ppa-context: background
def reindex():
    return None


class Scheduler:
    def add_task(self, fn):
        return fn


scheduler = Scheduler()


# ppa-context: library background=false      near miss: `add_task` of something else
def nightly():
    return None


scheduler.add_task(nightly)
