from django.core.management.base import BaseCommand

from portal_site.records import demo_efile
from portal_site.records.connectors.demo import DemoConnector


class Command(BaseCommand):
    help = (
        "The demo e-file (a stand-in, not a DMS): import the containers the demo connection "
        "left in var/records/outbox and answer each with an import confirmation (0630) in "
        "var/records/inbox. The portal reads the answers with its periodic jobs."
    )

    def handle(self, *args, **options):
        connector = DemoConnector()
        imported = demo_efile.run(connector.outbox(), connector.inbox())
        for item in imported:
            outcome = "imported" if item.success else f"refused: {item.reason}"
            self.stdout.write(f"{item.container}: {outcome}")
        self.stdout.write(f"{len(imported)} container(s)")
