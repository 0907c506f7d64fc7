from django.db import models


class Job(models.Model):
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=20, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(blank=True)


class Report(models.Model):
    title = models.CharField(max_length=100)
    pages = models.PositiveIntegerField(default=0)
