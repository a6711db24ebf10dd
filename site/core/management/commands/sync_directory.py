from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = (
        "Update the employee directory and the staff accounts from LDAP / Active Directory "
        "(run e.g. nightly): leavers are deactivated, returning staff re-activated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Deactivate even when more than half of the directory accounts would go.",
        )

    def handle(self, *args, **options):
        if not settings.LDAP_SERVER_URI:
            raise CommandError(_("No directory is configured (set LDAP_SERVER_URI)."))
        from portal_site.accounts.directory import (
            DirectoryUnavailable,
            sync_employees_from_directory,
        )

        try:
            report = sync_employees_from_directory(force=options["force"])
        except DirectoryUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Directory: %(created)s created, %(updated)s updated, %(skipped)s skipped.")
            % {"created": report.created, "updated": report.updated, "skipped": len(report.skipped)}
        )
        self.stdout.write(
            _(
                "Accounts: %(deactivated)s deactivated (%(names)s), %(reactivated)s re-activated; "
                "%(employees)s employees no longer in the directory."
            )
            % {
                "deactivated": len(report.deactivated_users),
                "names": ", ".join(report.deactivated_users) or "–",
                "reactivated": len(report.reactivated_users),
                "employees": report.deactivated_employees,
            }
        )
