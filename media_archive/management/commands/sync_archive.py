from django.core.management.base import BaseCommand, CommandError

from media_archive.sync import sources, synchronise


class Command(BaseCommand):
    help = (
        "Synchronise the archive's holdings from their configured sources (a SharePoint "
        "Online library, a WebDAV folder with a metadata sheet): new, changed and removed "
        "items; prints the report."
    )

    def handle(self, *args, **options):
        configured = sources()
        if not configured:
            raise CommandError(
                "No source is configured (ARCHIVE_SYNC_SHAREPOINT_* or ARCHIVE_SYNC_WEBDAV_URL)."
            )
        for source in configured:
            run = synchronise(source)
            self.stdout.write(
                f"{source.key}: {run.created} new, {run.updated} changed, {run.removed} removed, "
                f"{run.unchanged} unchanged, {len(run.refused)} refused"
            )
            for name, reason in run.refused:
                self.stdout.write(f"   refused {name}: {reason}")
            if run.error:
                self.stdout.write(f"   broke off: {run.error} (the next run resumes)")
