"""Migration flows 0005: running and finished cases follow their process into its package."""

from __future__ import annotations

import pytest
from django.db import connection
from viewflow.workflow.models import Process, Task

from flows.civil_status import CivilStatusFlow
from flows.training import TrainingFlow
from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("flows", "0004_typed_process_data")]
AFTER = [("flows", "0005_process_packages")]


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall())


def test_stored_flow_and_node_references_move_to_the_packages_and_back():
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for pk, flow_class in [
                (9001, "flows/training.TrainingFlow"),
                (9002, "flows/civil_status.CivilStatusFlow"),
            ]:
                cursor.execute(
                    "INSERT INTO viewflow_process (id, flow_class, status, created, data) "
                    "VALUES (%s, %s, 'NEW', CURRENT_TIMESTAMP, '{}')",
                    [pk, flow_class],
                )
            for pk, process, node in [
                (9101, 9001, "flows/training.TrainingFlow.recommend"),
                (9102, 9001, "flows/training.TrainingFlow.on_waiting_list"),
                (9103, 9002, "flows/civil_status.CivilStatusFlow.await_payment"),
            ]:
                cursor.execute(
                    "INSERT INTO viewflow_task (id, process_id, flow_task, flow_task_type, "
                    "status, created, data, token) VALUES (%s, %s, %s, 'HUMAN', 'NEW', "
                    "CURRENT_TIMESTAMP, '{}', 'start')",
                    [pk, process, node],
                )
        migrate(AFTER)
        # Lookups compare the stored text with the node's reference (the inbox, the
        # payment waits): they find the old rows only after the move.
        assert Process.objects.filter(flow_class=TrainingFlow, pk=9001).exists()
        waiting = Task.objects.filter(flow_task=TrainingFlow.instance.node("on_waiting_list"))
        assert list(waiting.values_list("pk", flat=True)) == [9102]
        paying = Task.objects.filter(flow_task=CivilStatusFlow.instance.node("await_payment"))
        assert list(paying.values_list("pk", flat=True)) == [9103]
        assert _rows("SELECT id, flow_task FROM viewflow_task WHERE id = 9101") == [
            (9101, "flows/training.flow.TrainingFlow.recommend")
        ]
        migrate(BEFORE)
        assert _rows("SELECT id, flow_task FROM viewflow_task WHERE id > 9100") == [
            (9101, "flows/training.TrainingFlow.recommend"),
            (9102, "flows/training.TrainingFlow.on_waiting_list"),
            (9103, "flows/civil_status.CivilStatusFlow.await_payment"),
        ]
    finally:
        migrate_to_latest()  # first: deleting cascades into tables of later migrations
        Task.objects.filter(pk__gt=9100).delete()
        Process.objects.filter(pk__gt=9000).delete()
