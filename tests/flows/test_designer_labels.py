"""The diagram and the case's process trail read as people speak: titles, labels and fee
names, never step ids or raw placeholders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from flows.designer.diagram import Names, dot_source, step_label
from shop.models import Fee

pytestmark = pytest.mark.django_db

DEFINITION = {
    "inputs": [{"name": "familienname", "label": "Familienname", "kind": "text"}],
    "steps": [
        {"kind": "parallel", "id": "pruefungen", "tasks": ["pruefen", "zahlen"], "next": "weiche"},
        {"kind": "task", "id": "pruefen", "title": "Unterlagen prüfen", "decisions": []},
        {"kind": "task", "id": "zahlen", "title": "Kosten prüfen", "decisions": []},
        {
            "kind": "branch",
            "id": "bestaetigt_oder_anders",
            "conditions": [
                {"source": "decision:pruefen", "operator": "equals", "value": "ja", "next": "mail"}
            ],
            "default": "ende",
        },
        {"kind": "email", "id": "mail", "subject": "Sterbefall {familienname}, {case_number}"},
        {"kind": "fee", "id": "gebuehr", "lines": [{"booking_key": "777"}], "next": "ende"},
        {"kind": "end", "id": "ende", "outcome": "completed"},
    ],
}


@pytest.fixture
def fee(db):
    return Fee.objects.create(
        booking_key="777",
        name="Bestattungsgebühr",
        description="x",
        amount=Decimal("50.00"),
        account="4711",
    )


def test_steps_are_labelled_with_titles_labels_and_fee_names(fee):
    names = Names(DEFINITION)
    labels = {step["id"]: step_label(step, names) for step in DEFINITION["steps"]}
    with translation.override("de"):
        labels = {step["id"]: step_label(step, names) for step in DEFINITION["steps"]}
    assert labels["mail"] == "E-Mail: Sterbefall ‹Familienname›, ‹Vorgangsnummer›"
    assert "Unterlagen prüfen" in labels["bestaetigt_oder_anders"]
    assert "bestaetigt_oder_anders" not in labels["bestaetigt_oder_anders"]
    assert "Unterlagen prüfen" in labels["pruefungen"] and "Kosten prüfen" in labels["pruefungen"]
    assert labels["gebuehr"] == "Gebühr: Bestattungsgebühr (777)"
    for label in labels.values():
        assert "{" not in label


def test_the_diagram_draws_the_readable_labels(fee):
    with translation.override("de"):
        source = dot_source(DEFINITION).source
    assert "Sterbefall ‹Familienname›" in source
    assert "Entscheidung über „Unterlagen prüfen“" in source
    assert "decision:pruefen" not in source
