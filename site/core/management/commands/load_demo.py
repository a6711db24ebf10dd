from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal_site.core.demo import demo_steps


class Command(BaseCommand):
    help = "Load the demo content (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        for step in demo_steps():
            result = step.run()
            self.stdout.write(
                _("Demo content: %(name)s … done %(result)s")
                % {"name": step.name, "result": result or ""}
            )
