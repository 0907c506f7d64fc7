"""A management command: `python manage.py purge_jobs`."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete finished jobs"

    # ppa-context: cli framework=django
    def handle(self, *args, **options):
        self.purge()

    # ppa-context: library
    def purge(self):
        return None
