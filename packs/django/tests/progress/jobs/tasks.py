"""Batch work that reports progress through a NOTIFY trigger on jobs_job."""
from django.db import transaction

from .models import Job, Report


def run(job_id, chunks):
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        for i, chunk in enumerate(chunks):
            handle(chunk)
            job.progress = (i + 1) * 100 // len(chunks)
            # ppa: transaction.missing_intermediate_commits CRITICAL  every NOTIFY arrives at the end
            job.save(update_fields=["progress"])


@transaction.atomic
def rename_all(names):
    # ppa: query.over_fetching LOW                             `notes` loaded; the rows are saved whole
    for job in Job.objects.filter(status="queued"):
        job.name = names[job.pk]
        # ppa: transaction.missing_intermediate_commits MEDIUM    save() sets every column (the trigger fires), none progress-like
        # ppa: query.n_update_delete_loop HIGH                    the detector's own output; `ppa check` drops it (§3.7 partition)
        job.save()
        # ppa-ok: transaction.missing_intermediate_commits        `name` alone is not in UPDATE OF status, progress
        # ppa: query.n_update_delete_loop HIGH                    so this is an ordinary per-row UPDATE
        job.save(update_fields=["name"])


def run_committed(job_id, chunks):
    for i, chunk in enumerate(chunks):
        with transaction.atomic():
            handle(chunk)
            # ppa-ok: transaction.missing_intermediate_commits     one commit per step
            # ppa: query.n_update_delete_loop HIGH                 (still one UPDATE per step)
            Job.objects.filter(pk=job_id).update(progress=(i + 1) * 100 // len(chunks))


def run_autocommit(job_id, chunks):
    for i, chunk in enumerate(chunks):
        handle(chunk)
        # ppa-ok: transaction.missing_intermediate_commits         autocommit: each update commits
        # ppa: query.n_update_delete_loop HIGH
        Job.objects.filter(pk=job_id).update(progress=i)


def paginate(report_ids):
    with transaction.atomic():
        for pk in report_ids:
            # ppa: transaction.missing_intermediate_commits MEDIUM  nobody listens to `reports`; not progress-like
            # ppa: query.n_update_delete_loop HIGH                  dropped by the §3.7 partition in `ppa check`
            Report.objects.filter(pk=pk).update(pages=10)


def handle(chunk):
    return chunk
