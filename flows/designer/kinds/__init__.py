"""The step kinds of a designed process, one module each (see :mod:`.base`).

Every module of this package but ``base`` is a kind; they are found and loaded here,
so adding a kind is adding its module."""

from __future__ import annotations

import importlib
import pkgutil

from wagtail import blocks

from .base import Check, Run, StepKind, all_kinds, get, kind_of, register, successors

_LOADED = False


def load() -> None:
    """Import every kind module once (each registers its kind)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


load()

# The draft's steps: one block per kind, in the kinds' order.
StepsBlock = type(
    "StepsBlock",
    (blocks.StreamBlock,),
    {"__module__": __name__, **{kind.name: kind.block() for kind in all_kinds()}},
)

__all__ = [
    "Check",
    "Run",
    "StepKind",
    "StepsBlock",
    "all_kinds",
    "get",
    "kind_of",
    "register",
    "successors",
]
