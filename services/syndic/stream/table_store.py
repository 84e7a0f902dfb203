"""A faust table seen as the plain MutableMapping the core expects.

faust picks a table write's changelog partition from the "current event", which is ambiguous
inside a batch (`take_events`). This adapter writes the table's local data and sends the
changelog record to the partition it is told, the one of the event being processed, so that
recovery restores each key to the worker that owns that partition.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any


class TableStore(MutableMapping[str, Any]):
    def __init__(self, table: Any, partition: int) -> None:
        self.table = table
        self.partition = partition

    def __getitem__(self, key: str) -> Any:
        return self.table.data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.table.data[key] = value
        self.table.send_changelog(self.partition, key, value)

    def __delitem__(self, key: str) -> None:
        del self.table.data[key]
        self.table.send_changelog(self.partition, key, None, value_serializer="raw")

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.table.data.keys()))

    def __len__(self) -> int:
        return len(self.table.data)

    def __contains__(self, key: object) -> bool:
        return key in self.table.data

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self.table.data[key]
        except KeyError:
            return default
