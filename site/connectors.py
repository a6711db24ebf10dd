"""Connectors to outside systems: one plugin shape, one kernel registry per kind.

Every outside system the portal talks to is a *connector*: a small class in a package
of its own (``shop/providers/stripe/``, ``portal_site/records/connectors/webdav/``)
that registers itself when its app starts. A connector has

- ``kind``: what it connects (``payments``, ``records``),
- ``key``: its name within the kind (``demo``, ``stripe``, ``webdav``); a key taken by
  another connector is refused (:class:`portal_site.registry.AlreadyRegistered`),
- ``label``: what administrators read,
- ``is_enabled()``: whether its settings are present (a connector without settings is
  listed but not offered),
- ``check_config()``: what is wrong with its settings and whether the other side
  answers, as translated sentences (an empty list means ready). Administrators run the
  checks under *Einstellungen → Verbindungen* (:mod:`portal_site.core.connector_views`)
  or with ``manage.py check_connectors``.

The settings of a connector come from the environment (``docs/records.md``,
``docs/money.md``); which connector an office uses is data (for records:
:class:`portal_site.records.models.OfficeRecords`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .registry import Registry

logger = logging.getLogger(__name__)

KINDS: dict[str, str | Promise] = {
    "payments": gettext_lazy("Online payment"),
    "records": gettext_lazy("E-file and archive"),
    "media": gettext_lazy("Sources of the media archive"),
}


class Connector:
    kind: ClassVar[str]
    key: ClassVar[str]
    label: ClassVar[str | Promise]

    def is_enabled(self) -> bool:
        return True

    def check_config(self) -> list[str]:
        """What keeps this connector from working, in sentences an administrator reads."""
        return []

    # One connector per class and key: a second instance (an app started twice) is the same.
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and getattr(other, "key", None) == self.key

    def __hash__(self) -> int:
        return hash((type(self), self.key))


_REGISTRIES: dict[str, Registry[str, Connector]] = {
    kind: Registry(f"{kind} connectors") for kind in KINDS
}


def register_connector(connector: Connector) -> Connector:
    if connector.kind not in _REGISTRIES:
        raise ValueError(f"Unknown connector kind {connector.kind!r}; add it to KINDS.")
    return _REGISTRIES[connector.kind].register(connector.key, connector)


def connectors(kind: str) -> list[Connector]:
    return _REGISTRIES[kind].values()


def get_connector(kind: str, key: str) -> Connector:
    """The connector registered under ``key``; raises ``NotRegistered``."""
    return _REGISTRIES[kind][key]


def connector_choices(kind: str) -> list[tuple[str, str]]:
    return [(c.key, str(c.label)) for c in connectors(kind)]


@dataclass(frozen=True)
class CheckResult:
    connector: Connector
    enabled: bool
    problems: list[str]

    @property
    def ok(self) -> bool:
        return self.enabled and not self.problems


def check(connector: Connector) -> CheckResult:
    """Run one connector's check; a check that raises is reported, never a 500."""
    enabled = connector.is_enabled()
    try:
        problems = [str(problem) for problem in connector.check_config()]
    except Exception as exc:  # noqa: BLE001 - the administrator reads what broke
        logger.exception("The check of connector %s/%s raised", connector.kind, connector.key)
        problems = [_("The check itself failed: %(error)s") % {"error": str(exc)[:300]}]
    return CheckResult(connector, enabled, problems)


def check_all() -> list[CheckResult]:
    return [check(connector) for kind in KINDS for connector in connectors(kind)]
