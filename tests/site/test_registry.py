"""The kernel's one registry: what the upper layers register at start-up."""

from __future__ import annotations

import pytest

from portal_site.registry import NotRegistered, Registry


def test_registering_again_replaces_and_keeps_the_order():
    registry: Registry[str, int] = Registry("numbers")
    registry.register("a", 1)
    registry.register("b", 2)
    registry.register("a", 3)  # an app started twice (tests, reload) doubles nothing
    assert registry.items() == [("a", 3), ("b", 2)] and len(registry) == 2
    assert "a" in registry and "c" not in registry


def test_a_missing_key_says_which_registry_lacks_it():
    registry: Registry[str, int] = Registry("payment waits")
    with pytest.raises(NotRegistered, match="payment waits") as error:
        registry["x"]
    assert isinstance(error.value, LookupError)
    with pytest.raises(NotRegistered):
        registry.only()
    registry.register("x", 1)
    assert registry.only() == 1 and registry.get("y") is None


def test_the_kernel_s_registries_are_filled_at_start_up():
    from portal_site.cases.erasure import _ERASERS
    from portal_site.core.periodic import periodic_jobs
    from portal_site.processes import process_choices

    assert {key for key, _label in process_choices()} >= {
        "civil_status_certificate",
        "training_registration",
        "archive_order",
    }
    assert "flows.settle_payment_waits" in periodic_jobs()
    assert len(_ERASERS) >= 2
