from django.core.management.base import BaseCommand, CommandError

from portal_site.connectors import KINDS, check_all


class Command(BaseCommand):
    help = (
        "Check every connection to an outside system (payment providers, e-file, archive) "
        "and print what is wrong; exits with an error when an enabled connection has a "
        "problem."
    )

    def handle(self, *args, **options):
        broken = 0
        for result in check_all():
            connector = result.connector
            name = f"{KINDS[connector.kind]} / {connector.label} ({connector.key})"
            if not result.enabled:
                self.stdout.write(f"-  {name}: not configured")
                for problem in result.problems:
                    self.stdout.write(f"     {problem}")
                continue
            if result.problems:
                broken += result.enabled
                self.stdout.write(f"!! {name}:")
                for problem in result.problems:
                    self.stdout.write(f"     {problem}")
            else:
                self.stdout.write(f"ok {name}")
        if broken:
            raise CommandError(f"{broken} enabled connection(s) have problems.")
