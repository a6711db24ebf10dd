"""What happens to the work of a staff member who left (the directory sync deactivated them).

Kept apart from the directory module, which needs the optional LDAP libraries: the
packages above register here at start-up whether or not a directory is configured.
"""

from __future__ import annotations

from collections.abc import Callable

from portal_site.registry import Registry

from .models import User

_HANDLERS: Registry[str, Callable[[User], object]] = Registry("directory leavers")


def register_leaver_handler(name: str, handler: Callable[[User], object]) -> None:
    """Run ``handler(user)`` when the directory sync deactivates ``user``."""
    _HANDLERS.register(name, handler)


def hand_over_work_of(user: User) -> None:
    """Let every registered package take back the leaver's work (e.g. open tasks)."""
    for handler in _HANDLERS.values():
        handler(user)
