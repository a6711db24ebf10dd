from django.core.management.base import BaseCommand, CommandError

from portal_site.cases.models import Case
from portal_site.records.archive import offer_to_archive
from portal_site.records.filing import RecordsError


class Command(BaseCommand):
    help = (
        "Offer closed cases to the archive (xdomea 0501): every case whose retention has "
        "ended, of a case type marked 'offer to the archive', or with --case one closed "
        "case now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", dest="number", help="The number of one closed case")

    def handle(self, *args, number: str | None = None, **options):
        case = None
        if number:
            case = Case.objects.filter(number=number).first()
            if case is None:
                raise CommandError(f"No case has the number {number}.")
        try:
            transfers = offer_to_archive(case=case)
        except RecordsError as exc:
            raise CommandError(str(exc)) from exc
        for transfer in transfers:
            numbers = ", ".join(row.case.number for row in transfer.cases.select_related("case"))
            self.stdout.write(
                f"{transfer.get_state_display()}: {transfer.process_id} to "
                f"{transfer.archive_name} via {transfer.connector}: {numbers}"
            )
            if transfer.last_error:
                self.stdout.write(f"   {transfer.last_error}")
        self.stdout.write(f"{len(transfers)} offer list(s)")
