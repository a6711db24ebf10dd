"""Timeline entries written as plain German text get their case event, so that they
are shown in the reader's language (portal_site.cases.events.key_legacy_entries)."""

from django.db import migrations


def key_entries(apps, schema_editor):
    from portal_site.cases.events import key_legacy_entries

    key_legacy_entries(apps.get_model("cases", "TimelineEntry"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_applicant_email_index")]

    operations = [migrations.RunPython(key_entries, migrations.RunPython.noop, elidable=True)]
