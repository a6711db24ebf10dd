from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal_site.records.file_plan import FilePlanError, import_file_plan


class Command(BaseCommand):
    help = "Import the file plan (Aktenplan) from an xdomea 0301 message (XML or ZIP container)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        try:
            report = import_file_plan(Path(path).read_bytes())
        except (OSError, FilePlanError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.name} {report.version}: {len(report.created)} created, "
            f"{len(report.updated)} updated, {len(report.skipped)} without number skipped"
        )
