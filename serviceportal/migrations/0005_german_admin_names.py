"""Wagtail's own records with English names, shown to German editors: the page
tree's root ("Root" in the breadcrumbs) and the default workflow and its task
("In Moderators approval einreichen"). Renamed only while they carry Wagtail's
original names, so a city's own names stay."""

from django.db import migrations

ROOT_TITLE = ("Root", "Seitenbaum")
WORKFLOW_NAME = ("Moderators approval", "Freigabe durch die Redaktion")


def rename(apps, schema_editor, *, back=False):
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    old_title, new_title = reversed(ROOT_TITLE) if back else ROOT_TITLE
    old_name, new_name = reversed(WORKFLOW_NAME) if back else WORKFLOW_NAME
    Page.objects.filter(depth=1, title=old_title).update(title=new_title, draft_title=new_title)
    Workflow.objects.filter(name=old_name).update(name=new_name)
    Task.objects.filter(name=old_name).update(name=new_name)


def forwards(apps, schema_editor):
    rename(apps, schema_editor)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, back=True)


class Migration(migrations.Migration):
    dependencies = [
        ("serviceportal", "0004_field_rules"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
