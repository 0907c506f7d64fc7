from django.db import models


class Invoice(models.Model):
    currency = models.CharField(max_length=3)
    paid = models.BooleanField(default=False)
    notified = models.BooleanField(default=False)
