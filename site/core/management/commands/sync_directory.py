from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Update the employee directory from LDAP / Active Directory (run e.g. nightly)."

    def handle(self, *args, **options):
        if not settings.LDAP_SERVER_URI:
            raise CommandError(_("No directory is configured (set LDAP_SERVER_URI)."))
        from portal_site.accounts.directory import sync_employees_from_directory

        report = sync_employees_from_directory()
        self.stdout.write(
            _("Directory: %(created)s created, %(updated)s updated, %(skipped)s skipped.")
            % {"created": report.created, "updated": report.updated, "skipped": len(report.skipped)}
        )
