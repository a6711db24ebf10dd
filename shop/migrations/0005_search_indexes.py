"""Trigram indexes for the cash office's search (payment reference, debtor's name)."""

from django.db import migrations

from portal_site.core.migration_operations import trigram_extension, trigram_index


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_invoice_status_due_index")]

    operations = [
        trigram_extension(),
        trigram_index("shop_invoice", "reference"),
        trigram_index("shop_businesspartner", "last_name"),
    ]
