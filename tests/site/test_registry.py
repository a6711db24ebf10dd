"""The kernel's one registry: what the upper layers register at start-up."""

from __future__ import annotations

import pytest

from portal_site.registry import AlreadyRegistered, NotRegistered, Registry


def test_registering_the_same_value_again_doubles_nothing_and_keeps_the_order():
    registry: Registry[str, int] = Registry("numbers")
    registry.register("a", 1)
    registry.register("b", 2)
    registry.register("a", 1)  # an app started twice (tests, reload) doubles nothing
    assert registry.items() == [("a", 1), ("b", 2)] and len(registry) == 2
    assert "a" in registry and "c" not in registry


def test_a_key_taken_by_another_value_is_refused_unless_replaced_on_purpose():
    registry: Registry[str, object] = Registry("records connectors")
    first, second = object(), object()
    registry.register("webdav", first)
    with pytest.raises(AlreadyRegistered, match="'webdav'.*records connectors"):
        registry.register("webdav", second)
    assert registry["webdav"] is first  # the refused value did not slip in
    registry.register("webdav", second, replace=True)
    assert registry["webdav"] is second and len(registry) == 1


def test_a_missing_key_says_which_registry_lacks_it():
    registry: Registry[str, int] = Registry("payment waits")
    with pytest.raises(NotRegistered, match="payment waits") as error:
        registry["x"]
    assert isinstance(error.value, LookupError)
    with pytest.raises(NotRegistered):
        registry.only()
    registry.register("x", 1)
    assert registry.only() == 1 and registry.get("y") is None


@pytest.mark.django_db  # designed processes come from the database
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


@pytest.mark.django_db(transaction=True)
def test_the_quick_reset_after_a_transactional_test_gives_what_migrate_gave():
    """tests/conftest.py puts the installed state back after a transactional test instead
    of Django's flush + post_migrate: the rows migrate left, the data migrations' too
    (root page, default site), which a flush would lose."""
    from django.apps import apps
    from django.core.management import call_command
    from wagtail.models import Page, Site

    from tests.demo_snapshot import reset_to_installed_state

    def counts():
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    installed = counts()
    assert installed["auth.Group"] > 0 and installed["notifications.EmailText"] > 0
    assert Site.objects.filter(is_default_site=True).exists() and Page.objects.exists()
    call_command("flush", verbosity=0, interactive=False)  # Django's way
    assert not Site.objects.exists()
    assert reset_to_installed_state()
    assert counts() == installed
