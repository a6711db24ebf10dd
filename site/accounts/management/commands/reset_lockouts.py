"""manage.py reset_lockouts: lift every login lockout (Redis or database counters)."""

from django.core.management.base import BaseCommand

from portal_site.accounts.lockouts import reset_all_lockouts


class Command(BaseCommand):
    help = "Lift every login and identification lockout (django-axes), in Redis or the database."

    def handle(self, *args, **options):
        removed = reset_all_lockouts()
        self.stdout.write(f"{removed} failed-login counter(s) removed.")
