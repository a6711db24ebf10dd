"""What the portal keeps of a case's filings, deleted with the case's personal data.

The containers (the XML with the applicant's name and every document) and the e-file's
answers go; the filing rows stay with their message ids, dates and states, so the
portal can still say what went to the e-file and when. What the e-file received is the
e-file's to keep (docs/records.md).
"""

from __future__ import annotations

from portal_site.cases.erasure import _delete_files_after_commit
from portal_site.cases.models import Case

from .models import Filing


def erase_records(case: Case) -> None:
    filings = list(Filing.objects.filter(case=case))
    files = [(f.container.name, f.container.storage) for f in filings if f.container.name]
    Filing.objects.filter(case=case).update(container="", answer="", documents=[])
    _delete_files_after_commit(files)
