"""The official OMG BPMN 2.0 schemas (vendored in ``schemas/bpmn20``): every file the
designer exports is checked against them in the tests (:func:`validate`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SCHEMA = Path(__file__).parent / "schemas" / "bpmn20" / "BPMN20.xsd"


@cache
def schema():
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA))


def validate(content: bytes) -> list[str]:
    """What in ``content`` breaks the BPMN 2.0 schema (empty: valid)."""
    import io

    import xmlschema

    # the resource keeps the prefixes, which xsi:type="bpmn:tFormalExpression" needs
    source = xmlschema.XMLResource(io.BytesIO(content), defuse="always")
    return [str(error.reason or error.message) for error in schema().iter_errors(source)]
