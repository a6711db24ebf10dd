"""Content-Security-Policy, Permissions-Policy and the other security headers."""

from __future__ import annotations

import pytest
from django.test import Client

from portal_site.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/", "/archiv/", "/online-dienste/", "/anmelden/"])
def test_portal_pages_forbid_inline_script_and_outside_hosts(demo, path):
    response = Client().get(path, follow=True)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "<script>" not in response.content.decode()
    assert ' style="' not in response.content.decode()
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_admin_allows_wagtail_s_inline_code_but_no_outside_host(demo, client):
    client.login(username="standesamt", password=DEMO_PASSWORD)
    policy = _directives(client.get("/admin/")["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert all(source.startswith("'") for source in policy["script-src"])
    assert policy["default-src"] == ["'self'"]


def test_production_keeps_the_headers():
    # the production settings, in their own process: the headers a real install sends
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": "redis://127.0.0.1:6379/9",  # production requires a shared cache
    }
    env.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/health/live/', secure=True); "
        "print(r['Content-Security-Policy']); print(r['Permissions-Policy']); "
        "print(r['Strict-Transport-Security'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=root
    )
    assert result.returncode == 0, result.stderr
    csp, permissions, hsts = result.stdout.strip().splitlines()[-3:]
    assert _directives(csp)["script-src"] == ["'self'"]
    assert "camera=()" in permissions
    assert "max-age=31536000" in hsts
