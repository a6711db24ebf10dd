from django.core.management.base import BaseCommand

from portal_site.records import demo_archive
from portal_site.records.connectors.demo import DemoConnector


class Command(BaseCommand):
    help = (
        "The demo archive (a stand-in, not an archive): answer the offer lists and hand-overs "
        "the demo connection left in var/records/outbox (0504 and 0502; 0507 and 0506) in "
        "var/records/inbox. The portal reads the answers with its periodic jobs."
    )

    def handle(self, *args, **options):
        connector = DemoConnector()
        written = demo_archive.run(connector.outbox(), connector.inbox())
        for name in written:
            self.stdout.write(name)
        self.stdout.write(f"{len(written)} answer(s)")
