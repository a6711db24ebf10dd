"""The one way a lower layer learns what the layers above it provide.

A package that may not import the packages above it keeps a :class:`Registry`;
they fill it when they start (``AppConfig.ready``): the processes the portal can
start, the erasers of personal data, the periodic jobs, the e-mail texts, the
setup and demo steps, the letter previews, the connectors to outside systems.

A key names one thing: registering a *different* value under a key that is taken
raises :class:`AlreadyRegistered` (two plugins claiming one name would otherwise
silently replace each other, whichever app starts last winning). Registering the
same value again is harmless, so start-up can run twice without doubling anything;
a deliberate override (a city's own e-mail text) says so with ``replace=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class NotRegistered(LookupError):
    def __init__(self, registry: str, key: object) -> None:
        super().__init__(f"Nothing is registered under {key!r} in the {registry} registry.")
        self.registry = registry
        self.key = key


class AlreadyRegistered(ValueError):
    def __init__(self, registry: str, key: object) -> None:
        super().__init__(
            f"{key!r} is already registered in the {registry} registry with another value; "
            "pass replace=True to override it on purpose."
        )
        self.registry = registry
        self.key = key


class Registry(Generic[K, V]):
    """Values registered under keys, in registration order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[K, V] = {}

    def register(self, key: K, value: V, *, replace: bool = False) -> V:
        if not replace and key in self._items:
            taken = self._items[key]
            if taken is not value and taken != value:
                raise AlreadyRegistered(self.name, key)
        self._items[key] = value
        return value

    def __getitem__(self, key: K) -> V:
        try:
            return self._items[key]
        except KeyError:
            raise NotRegistered(self.name, key) from None

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[K, V]]:
        return list(self._items.items())

    def values(self) -> list[V]:
        return list(self._items.values())

    def sorted_values(self, key: Callable[[V], Any]) -> list[V]:
        return sorted(self._items.values(), key=key)

    def only(self) -> V:
        """The single value of a registry that holds one implementation (a port)."""
        if len(self._items) != 1:
            raise NotRegistered(self.name, "the one implementation")
        return next(iter(self._items.values()))
