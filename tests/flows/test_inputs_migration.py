"""Migration flows 0003: running cases get the inputs their process now reads."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("flows", "0002_training")]
AFTER = [("flows", "0003_case_inputs")]


def test_running_cases_get_their_inputs_and_lose_them_again_on_the_way_back():
    old = migrate(BEFORE)
    try:
        Case = old.get_model("cases", "Case")

        def case(number, key, values):
            return Case.objects.create(
                number=number,
                process_key=key,
                title="t",
                received_at=timezone.now(),
                data={"answers": [], "values": values},
            )

        case(
            "26.9001",
            "civil_status_certificate",
            {
                "urkundenart": "Sterbeurkunde",
                "sterbe_anzahl": "3",
                "geburt_anzahl": "7",
                "name": "X",
            },
        )
        case(
            "26.9002",
            "training_registration",
            {"fortbildung": "A-2016-01", "personnel_number": "2001", "besondere_hilfe": False},
        )
        erased = case("26.9003", "civil_status_certificate", {})
        Case.objects.filter(pk=erased.pk).update(data={"erased": True})

        new = migrate(AFTER)
        migrated = {c.number: c.data for c in new.get_model("cases", "Case").objects.all()}
        assert migrated["26.9001"]["inputs"] == {
            "urkundenart": "Sterbeurkunde",
            "anzahl": "3",  # the copies of the kind asked for
            "name": "X",
        }
        assert migrated["26.9002"]["inputs"] == {
            "fortbildung": "A-2016-01",
            "besondere_hilfe": False,
        }
        assert migrated["26.9003"] == {"erased": True}

        back = migrate(BEFORE)
        restored = back.get_model("cases", "Case").objects.get(number="26.9001")
        assert "inputs" not in restored.data and restored.data["values"]["sterbe_anzahl"] == "3"
    finally:
        migrate_to_latest()
