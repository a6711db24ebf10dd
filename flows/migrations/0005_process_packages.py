"""Each process moved into a package of its own (``flows/training/flow.py`` …).

viewflow stores the flow and node of every process and task as a text reference
built from the module path (``flows/training.TrainingFlow.recommend``); running
and finished cases are pointed at the new modules, and back on a reverse migration.
"""

from django.db import migrations

MOVED = {
    "flows/civil_status.CivilStatusFlow": "flows/civil_status.flow.CivilStatusFlow",
    "flows/archive_order.ArchiveOrderFlow": "flows/archive_order.flow.ArchiveOrderFlow",
    "flows/generic.GenericFlow": "flows/generic.flow.GenericFlow",
    "flows/training.TrainingFlow": "flows/training.flow.TrainingFlow",
}


def _rewrite(schema_editor, pairs):
    with schema_editor.connection.cursor() as cursor:
        for old, new in pairs:
            cursor.execute(
                "UPDATE viewflow_process SET flow_class = %s WHERE flow_class = %s", [new, old]
            )
            # A node reference is the flow's reference, a dot and the node's name.
            cursor.execute(
                "UPDATE viewflow_task SET flow_task = CAST(%s AS VARCHAR(255)) "
                "|| SUBSTR(flow_task, %s) WHERE flow_task LIKE %s",
                [new + ".", len(old) + 2, old + ".%"],
            )


def forwards(apps, schema_editor):
    _rewrite(schema_editor, MOVED.items())


def backwards(apps, schema_editor):
    _rewrite(schema_editor, [(new, old) for old, new in MOVED.items()])


class Migration(migrations.Migration):
    dependencies = [
        ("flows", "0004_typed_process_data"),
        ("viewflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
