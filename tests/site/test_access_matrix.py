"""Every URL that takes an id or token × every demo role (and anonymous), from the URLconf.

Two cases of the registry office (Standesamt) carry marker values in every
place personal data goes: the applicant's name and e-mail, the answers, the
stored form submission, a filed PDF and the outbox. One of them has a fee
invoice (the cash office may read it), the other has none. For each URL
pattern of the project (Wagtail's admin included) the test fills each
parameter with the ids, numbers and tokens of these records and asks as every
role. A response that shows a marker to a role the access policy does not let
see that case fails the test; so does any change of the records after every
role has POSTed to every such URL. A new URL is covered the moment it is in
the URLconf: the test walks the resolver, nothing is listed by hand.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from flows import selectors, workspace
from portal_site.accounts.models import User
from portal_site.cases.models import Case, CaseFile
from portal_site.core.demo_kernel import DEMO_USERS
from portal_site.notifications.models import OutboxMessage
from serviceportal.form_pages import ServiceFormPage
from serviceportal.form_submissions import ServiceFormSubmission
from serviceportal.submission import status_path, submit_application
from shop.models import Invoice, OnlinePayment
from tests.shop.helpers import approve_up_to_invoice, portal_application

pytestmark = pytest.mark.django_db

MONEY_MARK = "Zyxmoneymark"
PLAIN_MARK = "Qwplainmark"
ROLES = [None, *(user[0] for user in DEMO_USERS)]  # anonymous and every demo login
# Who may read which marker under the policy (docs/security.md).
MAY_READ = {
    MONEY_MARK: {"standesamt", "administration", "stadtkasse"},
    PLAIN_MARK: {"standesamt", "administration"},
}
# Who may act on the registry office's cases (claim, notes, decisions).
MAY_ACT = {"standesamt", "administration"}
# Logging out or switching the language would change the client, not the data.
SKIP_POST = {"wagtailadmin_logout", "logout", "set_language"}


def _submit(page: ServiceFormPage, mark: str) -> Case:
    return submit_application(page=page, application=portal_application(mark))


@pytest.fixture
def secret_cases(demo):
    page = ServiceFormPage.objects.get(
        locale__language_code="de", process_key="civil_status_certificate"
    )
    plain = _submit(page, PLAIN_MARK)
    money = _submit(page, MONEY_MARK)
    approve_up_to_invoice(money)
    assert Invoice.objects.filter(case=money).exists()
    assert money.files.exists()
    return plain, money


def _pools(cases: list[Case]) -> dict[str, dict[str, list[str]]]:
    """Values to put into URL parameters: every id, number and token of the records,
    for our own views; and the pools for Wagtail's own views.

    Wagtail's own views read integer ids of Wagtail's records (pages, images,
    documents, collections, workflows); the only ones tied to these cases are the
    form pages, so that is their integer pool. Our records reach Wagtail's generic
    views (viewsets, snippets, history, usage) through ``<str:pk>``: the text and
    UUID pools stay whole for them.
    """
    ids: set[int] = set()
    texts: set[str] = set()
    uuids: set[str] = set()
    case_ids = [case.pk for case in cases]
    processes = Process.objects.filter(artifact_object_id__in=case_ids)
    ids |= set(case_ids)
    ids |= set(processes.values_list("pk", flat=True))
    ids |= set(Task.objects.filter(process__in=processes).values_list("pk", flat=True))
    ids |= set(CaseFile.objects.filter(case_id__in=case_ids).values_list("pk", flat=True))
    invoices = Invoice.objects.filter(case_id__in=case_ids)
    ids |= set(invoices.values_list("pk", flat=True))
    ids |= set(invoices.values_list("partner_id", flat=True))
    submissions = ServiceFormSubmission.objects.filter(case_id__in=case_ids)
    ids |= set(submissions.values_list("pk", flat=True))
    ids |= set(submissions.values_list("page_id", flat=True))
    for case in cases:
        texts |= {case.number, status_path(case).rstrip("/").rsplit("/", 1)[-1]}
        uuids.add(str(case.public_token))
    uuids |= {str(t) for t in invoices.values_list("pay_token", flat=True)}
    uuids |= {
        str(t)
        for t in OnlinePayment.objects.filter(invoice__in=invoices).values_list("token", flat=True)
    }
    uuids |= {
        str(pk)
        for pk in OutboxMessage.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)
    }
    outbox = {
        str(pk)
        for pk in OutboxMessage.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)
    }
    # ``<str:pk>`` of Wagtail's viewsets: the records with personal data of their own.
    keyed = {str(i) for i in [*case_ids, *invoices.values_list("partner_id", flat=True)]}
    keyed |= {str(i) for i in submissions.values_list("pk", flat=True)}
    ours = {
        "int": sorted(str(i) for i in ids),
        "str": sorted(texts | keyed | outbox),
        "uuid": sorted(uuids),
    }
    pages = sorted({str(pk) for pk in submissions.values_list("page_id", flat=True)})
    return {"ours": ours, "wagtail": {**ours, "int": pages}}


GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)|\((?!\?)[^)]*\)")
ROUTE = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _walk(resolver: URLResolver, prefix: list):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, [*prefix, entry.pattern])
        elif isinstance(entry, URLPattern):
            yield [*prefix, entry.pattern], entry


def _fill(patterns, pools) -> list[str]:
    """Concrete paths for one URL pattern: each parameter from the pools (capped)."""
    slots: list[list[str]] = []
    template = ""
    for pattern in patterns:
        text = str(pattern)
        if isinstance(pattern, RegexPattern):
            text = text.lstrip("^").rstrip("$").replace("\\", "")

            def regex_slot(match):
                group = match.group(0)
                slots.append(pools["int"] if "d" in group and "w" not in group else pools["str"])
                return "{}"

            text = GROUP.sub(regex_slot, text.replace("{", "").replace("}", ""))
        elif isinstance(pattern, RoutePattern):

            def route_slot(match):
                conv = match.group("conv") or "str"
                slots.append(pools.get(conv, pools["str"]))
                return "{}"

            text = ROUTE.sub(route_slot, text)
        template += text
    if not slots:
        return []
    if len(slots) == 1:
        combos = [(value,) for value in slots[0]]
    else:  # several parameters: each value once, side by side (not every product)
        longest = max(len(slot) for slot in slots)
        combos = [tuple(slot[i % len(slot)] for slot in slots) for i in range(longest)]
    return ["/" + template.format(*combo) for combo in combos]


def _candidate_urls(pools) -> list[tuple[str, str, object]]:
    urls = []
    for patterns, entry in _walk(get_resolver(), []):
        kind = "ours" if _is_ours(entry.callback) else "wagtail"
        for path in _fill(patterns, pools[kind]):
            try:
                match = get_resolver().resolve(path)
            except Resolver404:
                continue
            if match.func is entry.callback or match.url_name == entry.name:
                urls.append((entry.name or "", path, entry.callback))
    return urls


def _body(response) -> str:
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if content[:2] == b"PK":  # XLSX and other ZIP-packed exports
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as packed:
                content = b"".join(packed.read(name) for name in packed.namelist())
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "replace")


def _state(cases) -> list:
    """What no unauthorised POST may change: tasks, cases, files, invoices, outbox."""
    ids = [case.pk for case in cases]
    processes = Process.objects.filter(artifact_object_id__in=ids)
    return [
        list(
            Task.objects.filter(process__in=processes)
            .order_by("pk")
            .values_list("pk", "status", "owner_id")
        ),
        list(Case.objects.filter(pk__in=ids).order_by("pk").values_list("status", "data")),
        [Case.objects.get(pk=pk).timeline.count() for pk in ids],
        CaseFile.objects.filter(case_id__in=ids).count(),
        list(Invoice.objects.filter(case_id__in=ids).values_list("status", "paid_amount")),
        OutboxMessage.objects.filter(case_id__in=ids).count(),
    ]


def _client(username: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _is_ours(view) -> bool:
    module = getattr(view, "__module__", "") or ""
    return not module.startswith("wagtail.") or module.startswith("wagtail.contrib.forms")


def _probe(client, username: str, urls, cases) -> tuple[list, list, bool]:
    """GET (and POST) every URL as one role: markers it may not read, 500s, changes."""
    before = _state(cases)
    leaks, errors = [], []
    for _name, path, _view in urls:
        response = client.get(path)
        if response.status_code == 500:
            errors.append((username, "GET", path))
        if response.status_code == 200:
            body = _body(response)
            for mark, allowed in MAY_READ.items():
                if mark in body and username not in allowed:
                    leaks.append((username, path, mark))
    # Administrators may change everything: their POSTs are not probes.
    if username != "administration":
        for name, path, view in urls:
            # Wagtail's own editing views are probed with the one role that uses them.
            if name in SKIP_POST or (not _is_ours(view) and username != "redaktion"):
                continue
            response = client.post(path, {})
            if response.status_code == 500:
                errors.append((username, "POST", path))
    changed = username not in MAY_ACT and _state(cases) != before
    return leaks, errors, changed


def test_the_walk_reaches_the_id_taking_pages(secret_cases):
    urls = _candidate_urls(_pools(list(secret_cases)))
    # the URLconf reaches our own id-taking pages, and Wagtail's submissions listing
    names = {name for name, _path, _view in urls}
    assert {"flows_task", "flows_case", "case_file_download", "shop_invoice"} <= names
    assert any("/admin/forms/submissions/" in path for _n, path, _v in urls)


# One test per role, each on fresh records: every role meets the open task still in its
# queue, and parallel test workers share the roles out.
@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_no_role_reads_or_changes_another_office_s_cases_through_any_url(secret_cases, username):
    cases = list(secret_cases)
    urls = _candidate_urls(_pools(cases))
    leaks, errors, changed = _probe(_client(username), username, urls, cases)
    assert leaks == []
    assert not changed, f"{username} changed the records of another office's cases"
    assert sorted(set(errors)) == [], "\n".join(map(str, sorted(set(errors))))


def test_the_policy_lets_the_responsible_office_and_the_cash_office_in(secret_cases, client):
    # the test above could pass with everything refused: the allowed side is checked here
    plain, money = secret_cases
    client.force_login(User.objects.get(username="standesamt"))
    assert PLAIN_MARK in client.get(f"/admin/vorgaenge/{plain.number}/").content.decode()
    client.force_login(User.objects.get(username="stadtkasse"))
    page = client.get(f"/admin/vorgaenge/{money.number}/").content.decode()
    assert MONEY_MARK in page
    assert 'name="action" value="note"' not in page  # read-only for the cash office
    assert client.post(
        f"/admin/vorgaenge/{money.number}/", {"action": "note", "note-text": "x"}
    ).status_code in (302, 403)
    assert not money.timeline.filter(message="x").exists()
    invoice = Invoice.objects.get(case=money)
    assert client.get(f"/admin/stadtkasse/rechnungen/{invoice.pk}/").status_code == 200


@pytest.mark.parametrize("username", ["stadtarchiv", "redaktion", "sachbearbeitung"])
def test_staff_of_other_offices_cannot_claim_a_registry_office_task(secret_cases, username):
    plain, _money = secret_cases
    task = selectors.open_task_for_case(case=plain)
    assert task.status == STATUS.NEW and task.owner_id is None
    user = User.objects.get(username=username)
    # the service refuses ...
    with pytest.raises(workspace.NotAllowed):
        workspace.claim_task(task_id=task.pk, user=user)
    # ... and so does the page
    response = _client(username).post(f"/admin/aufgaben/{task.pk}/uebernehmen/")
    assert response.status_code in (302, 403)
    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.NEW, None)


def test_the_registry_office_claims_its_own_task(secret_cases):
    plain, _money = secret_cases
    task = selectors.open_task_for_case(case=plain)
    workspace.claim_task(task_id=task.pk, user=User.objects.get(username="standesamt"))
    task.refresh_from_db()
    assert task.owner.username == "standesamt"


def test_the_editor_sees_no_submissions_of_any_form(secret_cases, client):
    page = ServiceFormPage.objects.get(
        locale__language_code="de", process_key="civil_status_certificate"
    )
    client.force_login(User.objects.get(username="redaktion"))
    for suffix in ("", "?export=csv", "?export=xlsx"):
        response = client.get(f"/admin/forms/submissions/{page.pk}/{suffix}")
        assert response.status_code in (302, 403)
        assert PLAIN_MARK not in _body(response)
    client.force_login(User.objects.get(username="standesamt"))
    response = client.get(f"/admin/forms/submissions/{page.pk}/?export=csv")
    assert response.status_code == 200 and PLAIN_MARK in _body(response)
