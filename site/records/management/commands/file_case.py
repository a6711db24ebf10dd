from django.core.management.base import BaseCommand, CommandError

from portal_site.cases.models import Case
from portal_site.records.filing import RecordsError, request_filing, send_now


class Command(BaseCommand):
    help = (
        "File one case in its office's e-file now: queue what the e-file lacks (the record "
        "with its documents and case sheet, or new documents and metadata) and send it."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="The case number, e.g. 26.0042")

    def handle(self, *args, number: str, **options):
        case = Case.objects.filter(number=number).first()
        if case is None:
            raise CommandError(f"No case has the number {number}.")
        try:
            filings = request_filing(case=case, reason="manage.py file_case")
        except RecordsError as exc:
            raise CommandError(str(exc)) from exc
        for filing in filings:
            self.stdout.write(
                f"queued {filing.get_message_display()} as {filing.process_id} "
                f"via {filing.connector}"
            )
        self.stdout.write(send_now(case_id=case.pk))
