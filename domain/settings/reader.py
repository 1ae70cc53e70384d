"""Strict reading of a parsed TOML file: every key taken, every key taken present.

Each settings module reads its file through a ``Section``: a key the code asks for and the
file lacks is an error naming it, and so is a key of the file that nothing asked for (a typo,
or a setting no code reads any more). ``tests/test_settings.py`` relies on that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from domain.errors import ConfigError

T = TypeVar("T")


class Section:
    """One table of a configuration file, read key by key; ``close`` refuses what is left."""

    def __init__(self, data: Mapping[str, Any], where: str):
        """Read ``data``, the table called ``where`` in messages (``warning.toml [rain]``)."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where} 应为表 must be a table, not {data!r}")
        self._data, self.where, self._taken = data, where, set[str]()

    def has(self, key: str) -> bool:
        """Return whether the table holds ``key`` (without taking it)."""
        return key in self._data

    def raw(self, key: str) -> Any:
        """Take ``key`` as it is in the file."""
        if key not in self._data:
            raise ConfigError(f"配置缺少 missing `{key}` in {self.where}")
        self._taken.add(key)
        return self._data[key]

    def value(self, key: str, kind: Callable[[Any], T]) -> T:
        """Take ``key`` converted by ``kind`` (``float``, ``int``, ``str``, ``bool``)."""
        value = self.raw(key)
        if kind is bool and not isinstance(value, bool):
            raise ConfigError(f"{self.where} `{key}` must be true or false: {value!r}")
        try:
            return kind(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{self.where} `{key}` is not a {kind.__name__}: {value!r}") from exc

    def table(self, key: str) -> Section:
        """Take ``key``, a table, to be read in turn."""
        return Section(self.raw(key), f"{self.where}.{key}" if "[" in self.where
                       else f"{self.where} [{key}]")

    def numbers(self, key: str, count: int | None = None, *,
                ascending: bool = False) -> tuple[float, ...]:
        """Take ``key``, a list of numbers (``count`` of them, ascending if asked)."""
        return numbers(self.raw(key), f"{self.where} `{key}`", count, ascending=ascending)

    def names(self) -> list[str]:
        """Return every key of the table."""
        return list(self._data)

    def close(self) -> None:
        """Refuse the keys nothing took."""
        left = sorted(set(self._data) - self._taken)
        if left:
            raise ConfigError(f"{self.where} 有未知设置 unknown setting(s): {', '.join(left)}")

    def __enter__(self) -> Section:
        """Return the section; ``close`` it on leaving without an error."""
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Refuse what is left, unless the body failed."""
        if kind is None:
            self.close()


def numbers(value: Any, where: str, count: int | None = None, *,
            ascending: bool = False) -> tuple[float, ...]:
    """Return ``value`` as a tuple of numbers, checked (``where`` names it in errors)."""
    if not isinstance(value, Sequence) or isinstance(value, str) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise ConfigError(f"{where} must be a list of numbers: {value!r}")
    out = tuple(float(v) for v in value)
    if count is not None and len(out) != count:
        raise ConfigError(f"{where} must hold {count} numbers: {value!r}")
    if ascending and list(out) != sorted(out):
        raise ConfigError(f"{where} must be ascending: {value!r}")
    return out
