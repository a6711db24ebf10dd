from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal_site.core.demo import demo_steps
from portal_site.core.setup import run_setup


class Command(BaseCommand):
    help = "Load the demo content (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        run_setup()  # what every installation has (a flushed test database lacks it)
        for step in demo_steps():
            result = step.run()
            self.stdout.write(
                _("Demo content: %(name)s … done %(result)s")
                % {"name": step.name, "result": result or ""}
            )
