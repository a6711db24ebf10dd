"""Connectors to outside systems: one plugin shape, a registry per kind, checks an
administrator can run."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal_site import connectors
from portal_site.registry import AlreadyRegistered
from shop.providers import enabled_providers, get_provider
from shop.providers.demo import DemoProvider
from shop.providers.stripe import StripeProvider


def test_payment_providers_are_connectors_registered_at_start_up():
    keys = [c.key for c in connectors.connectors("payments")]
    assert keys[:2] == ["demo", "stripe"]
    assert isinstance(connectors.get_connector("payments", "stripe"), StripeProvider)
    assert get_provider("demo") == DemoProvider()


def test_a_second_connector_under_a_taken_key_is_refused():
    class Impostor(DemoProvider):
        pass

    with pytest.raises(AlreadyRegistered):
        connectors.register_connector(Impostor())
    connectors.register_connector(DemoProvider())  # the same connector again: harmless
    assert type(connectors.get_connector("payments", "demo")) is DemoProvider


@override_settings(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
def test_stripe_says_which_setting_is_missing():
    result = connectors.check(StripeProvider())
    assert not result.enabled and not result.ok
    assert any("STRIPE_SECRET_KEY" in problem for problem in result.problems)
    assert StripeProvider() not in enabled_providers()


@override_settings(STRIPE_SECRET_KEY="pk_live_123", STRIPE_WEBHOOK_SECRET="secret")
def test_stripe_refuses_keys_of_the_wrong_kind_before_calling_out():
    problems = StripeProvider().check_config()
    assert len(problems) == 2 and "sk_" in problems[0] and "whsec_" in problems[1]


@override_settings(
    STRIPE_SECRET_KEY="sk_test_1",
    STRIPE_WEBHOOK_SECRET="whsec_1",
    STRIPE_API_BASE="http://127.0.0.1:9",  # nothing listens on the discard port
)
def test_stripe_that_cannot_be_reached_is_named():
    [problem] = StripeProvider().check_config()
    assert "Stripe" in problem


@override_settings(DEBUG=False, SHOP_DEMO_PAYMENTS=True)
def test_the_demo_payment_switched_on_in_production_is_a_problem():
    [problem] = DemoProvider().check_config()
    assert "SHOP_DEMO_PAYMENTS" in problem


def test_a_check_that_raises_is_reported_not_raised():
    class Broken(connectors.Connector):
        kind, key, label = "payments", "broken", "Broken"

        def check_config(self):
            raise OSError("disk gone")

    result = connectors.check(Broken())
    assert not result.ok and "disk gone" in result.problems[0]


@pytest.mark.django_db
def test_administrators_check_the_connections_in_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    clerk = django_user_model.objects.create_user("clerk", "c@example.org", "pw")
    client.force_login(clerk)
    assert client.get("/admin/verbindungen/").status_code in (302, 403)
    client.force_login(admin)
    page = client.get("/admin/verbindungen/", HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200 and "Demo-Zahlung" in page.content.decode()
    with override_settings(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET=""):
        checked = client.post("/admin/verbindungen/").content.decode()
    assert "STRIPE_SECRET_KEY" in checked


def test_the_command_fails_when_an_enabled_connection_is_broken(capsys):
    with override_settings(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="", DEBUG=True):
        call_command("check_connectors")
    assert "not configured" in capsys.readouterr().out
    with (
        override_settings(DEBUG=False, SHOP_DEMO_PAYMENTS=True),
        pytest.raises(Exception, match="enabled connection"),
    ):
        call_command("check_connectors")
    assert "SHOP_DEMO_PAYMENTS" in capsys.readouterr().out
