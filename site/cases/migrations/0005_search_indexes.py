"""Trigram indexes for the case list's search (number, applicant, title) on PostgreSQL."""

from django.db import migrations

from portal_site.core.migration_operations import trigram_extension, trigram_index


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_pending_documents")]

    operations = [
        trigram_extension(),
        trigram_index("cases_case", "number"),
        trigram_index("cases_case", "applicant_name"),
        trigram_index("cases_case", "title"),
    ]
