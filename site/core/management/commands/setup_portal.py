from django.core.management.base import BaseCommand

from portal_site.core.setup import run_setup


class Command(BaseCommand):
    help = (
        "Create what every installation needs (roles, permissions, default texts, fee "
        "schedule skeleton). migrate runs it by itself; running it again changes nothing."
    )

    def handle(self, *args, **options):
        for name, result in run_setup().items():
            self.stdout.write(f"{name}: {result if result is not None else 'ok'}")
