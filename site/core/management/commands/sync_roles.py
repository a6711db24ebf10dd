from django.core.management.base import BaseCommand

from portal_site.accounts.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the staff role groups and their permissions."

    def handle(self, *args, **options):
        for group in sync_roles().values():
            self.stdout.write(group.name)
