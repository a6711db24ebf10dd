"""What the process reads from the application (its declared inputs) and what it charges."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_site.cases.models import Case
from portal_site.processes import InputKind, ProcessInput, inputs_of
from shop.services import FeeItem, PartnerData, partner_data_from_inputs

FIRST_COPY_KEY = "300"


FURTHER_COPY_KEY = "301"


MAX_COPIES = 20


# The kinds of certificate the registry office issues.
KINDS = ("Geburtsurkunde", "Sterbeurkunde", "Eheurkunde", "Lebenspartnerschaftsurkunde")


# What the process reads from the application; the online form maps its fields to them.
INPUTS = (
    ProcessInput("urkundenart", gettext_lazy("Kind of certificate"), InputKind.CHOICE),
    ProcessInput("anzahl", gettext_lazy("Number of certificates"), InputKind.NUMBER),
    ProcessInput("name", gettext_lazy("Surname of the applicant")),
    ProcessInput("vorname", gettext_lazy("First name of the applicant"), required=False),
    ProcessInput(
        "organisation",
        gettext_lazy("Organisation applying (the name fields are its contact)"),
        required=False,
    ),
    ProcessInput("anrede", gettext_lazy("Salutation"), InputKind.CHOICE, required=False),
    ProcessInput("akademischer_grad", gettext_lazy("Academic title"), required=False),
    ProcessInput("strasse", gettext_lazy("Street and number"), required=False),
    ProcessInput("postleitzahl", gettext_lazy("Postcode"), required=False),
    ProcessInput("ort", gettext_lazy("Town"), required=False),
    ProcessInput("email", gettext_lazy("E-mail address"), InputKind.EMAIL, required=False),
)


def certificate_request(case: Case) -> tuple[str, int]:
    """The kind of certificate and the number of copies the applicant asked for."""
    inputs = inputs_of(case)
    kind = str(inputs.get("urkundenart", ""))
    if kind not in KINDS:
        raise ValueError(_("The application names no known kind of certificate."))
    try:
        copies = int(str(inputs.get("anzahl", "1")).strip() or "1")
    except ValueError as exc:
        raise ValueError(_("The number of copies is not a whole number.")) from exc
    if not 1 <= copies <= MAX_COPIES:
        raise ValueError(
            _("The number of copies must be between 1 and %(max)d.") % {"max": MAX_COPIES}
        )
    return kind, copies


def fee_items(copies: int) -> list[FeeItem]:
    """The seed's rule: key 300 for the first certificate, 301 for each further one."""
    return [FeeItem(FIRST_COPY_KEY, 1), FeeItem(FURTHER_COPY_KEY, copies - 1)]


def partner_data(case: Case) -> PartnerData:
    return partner_data_from_inputs(
        inputs_of(case), name=case.applicant_name, email=case.applicant_email
    )
