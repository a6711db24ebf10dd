from django.template.response import TemplateResponse

from shop.models import Invoice

from .submission import case_for_status_token


def case_status(request, token: str):
    """The applicant's status page: the case's number, status and date, nothing else."""
    case = case_for_status_token(token)
    if case is None:
        return TemplateResponse(request, "serviceportal/case_status_unknown.html", status=404)
    open_invoice = Invoice.objects.filter(case=case, status=Invoice.Status.OPEN).first()
    return TemplateResponse(
        request,
        "serviceportal/case_status.html",
        {"case": case, "open_invoice": open_invoice},
    )
