from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal_site.accounts.directory_import import import_employees


class Command(BaseCommand):
    help = "Import the employee directory from an XLSX or CSV file (see docs/forms.md)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        report = import_employees(content=file.read_bytes(), filename=file.name)
        self.stdout.write(
            _("%(created)s created, %(updated)s updated, %(rejected)s rejected.")
            % {
                "created": report.created,
                "updated": report.updated,
                "rejected": len(report.rejected),
            }
        )
        for line, reason in report.rejected:
            self.stdout.write(_("Line %(line)s: %(reason)s") % {"line": line, "reason": reason})
