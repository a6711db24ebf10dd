"""Focused builders for service-portal tests (instead of a big fixture)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal_site.accounts.models import OrgUnit
from serviceportal.demo_forms import f, step
from serviceportal.form_pages import ServiceFormPage
from serviceportal.identification import IdentificationMode
from serviceportal.models import ServiceIndexPage
from serviceportal.wizard import FormWizard

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def simple_steps():
    return [
        step(
            "Antragstellerdaten",
            [
                f("Name", name="name", role="full_name"),
                f("E-Mail", "email", name="email", role="email"),
            ],
        ),
        step(
            "Frage",
            [
                f("Art", "radio", name="art", choices=["Geburtsurkunde", "Sterbeurkunde"]),
            ],
        ),
        step(
            "Geburt",
            [f("Geburtsort", name="geburtsort")],
            condition={"field": "art", "values": "Geburtsurkunde"},
        ),
        step(
            "Tod",
            [
                f("Sterbeort", name="sterbeort"),
                f(
                    "Bemerkung",
                    name="bemerkung",
                    required=False,
                    condition={"field": "art", "values": "Sterbeurkunde"},
                ),
            ],
            condition={"field": "art", "values": "Sterbeurkunde"},
        ),
        step(
            "Anhang",
            [
                f(
                    "Nachweis",
                    "file",
                    name="nachweis",
                    required=False,
                    file_types=["pdf", "png"],
                    max_size_mb=1,
                )
            ],
        ),
    ]


def make_form(
    *,
    steps=None,
    slug="testformular",
    process_key="",
    identification=None,
    office_short="Bürgerservice",
    saved_before_the_rules=False,
) -> ServiceFormPage:
    """A published form of ``steps``. With ``saved_before_the_rules`` its steps are written
    past the editor's save checks (ServiceFormPage.clean), as for a form saved before a
    check existed: what the portal does with such a form at run time."""
    index = ServiceIndexPage.objects.get(locale__language_code="de", slug="online-dienste")
    given = steps if steps is not None else simple_steps()
    page = ServiceFormPage(
        title="Testformular",
        slug=slug,
        steps=simple_steps() if saved_before_the_rules else given,
        process_key="" if saved_before_the_rules else process_key,
        identification=identification or IdentificationMode.ANYONE,
        office=OrgUnit.objects.filter(short_name=office_short).first(),
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    if saved_before_the_rules:
        page.steps = given
        page.process_key = process_key
        ServiceFormPage.objects.filter(pk=page.pk).update(
            steps=page.steps.get_prep_value(), process_key=process_key
        )
        page = ServiceFormPage.objects.get(pk=page.pk)
    return page


class Applicant:
    """Drives a form through the Django test client like a browser would."""

    def __init__(self, client, page: ServiceFormPage) -> None:
        self.client = client
        self.page = page
        self.url = page.url

    def state(self) -> dict:
        return self.client.session[f"serviceform:{self.page.pk}"]

    def position(self) -> str:
        self.client.get(self.url)
        return self.state()["position"] or FormWizard(self.page).positions(self.state())[0]

    def next(self, data: dict | None = None, **extra):
        payload = {"position": self.position(), "action": "next", **(data or {})}
        return self.client.post(self.url, payload, **extra)

    def back(self):
        return self.client.post(self.url, {"position": self.position(), "action": "back"})

    def submit(self, token: str | None = None):
        token = token or self.state()["token"]
        return self.client.post(
            self.url, {"position": "summary", "action": "submit", "token": token}
        )
