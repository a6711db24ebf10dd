from django.template.response import TemplateResponse

from .submission import case_for_status_token


def case_status(request, token: str):
    """The applicant's status page: the case's number, status and date, nothing else."""
    case = case_for_status_token(token)
    if case is None:
        return TemplateResponse(request, "serviceportal/case_status_unknown.html", status=404)
    return TemplateResponse(request, "serviceportal/case_status.html", {"case": case})
