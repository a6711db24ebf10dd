"""Attachments that are case documents: whether they exist yet, and where they are stored.

The outbox does not know the case files' model: the cases app registers how to
ask (:func:`register_case_files`) when it starts. An attachment is a dict with
``filename`` and ``mimetype`` and either the stored ``name`` or the id of a
``case_file`` that may still be rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from portal_site.registry import Registry


@dataclass(frozen=True)
class CaseFiles:
    not_ready: Callable[[list[int]], list[int]]  # the ids of those not rendered yet
    stored_name: Callable[[int], str | None]  # the storage name of a rendered one


_CASE_FILES: Registry[str, CaseFiles] = Registry("case file store")


def register_case_files(case_files: CaseFiles) -> None:
    _CASE_FILES.register("store", case_files)


def _case_files() -> CaseFiles:
    return _CASE_FILES["store"]  # NotRegistered without the cases app


def pending_attachments(attachments: Sequence[dict]) -> list[int]:
    """The ids of attached case documents that do not exist yet."""
    ids = [item["case_file"] for item in attachments if item.get("case_file")]
    return _case_files().not_ready(ids) if ids else []


def case_file_name(case_file_id: int | None) -> str:
    """The stored name of a document that did not exist yet when its mail was queued."""
    name = _case_files().stored_name(case_file_id) if case_file_id else None
    if not name:
        raise FileNotFoundError(f"case file {case_file_id} has no file")
    return name
