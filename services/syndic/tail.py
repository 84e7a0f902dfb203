"""`syndic tail`: follow a topic as a readable table or JSON Lines."""

from __future__ import annotations

import sys
from typing import Any

import orjson
from rich.console import Console

from syndic.client import Record, consume
from syndic.settings import Settings


def summary_row(record: Record) -> list[str]:
    """The columns people want to see for any of syndic's topics."""
    try:
        value: Any = orjson.loads(record.value or b"null")
    except orjson.JSONDecodeError:
        value = None
    where = f"{record.partition}:{record.offset}"
    if not isinstance(value, dict):
        return [where, (record.key or b"").decode(errors="replace"), "", "", ""]
    dedup = value.get("dedup") or {}
    verdict = dedup.get("status") or value.get("status") or value.get("reason") or ""
    title = value.get("title") or value.get("message") or ""
    return [
        where,
        str(value.get("id") or (record.key or b"").decode(errors="replace")),
        str(value.get("source") or ""),
        f"{verdict} {dedup.get('duplicate_of') or value.get('duplicate_of') or ''}".strip(),
        str(title)[:60],
    ]


async def tail_topic(
    settings: Settings, topic: str, json_lines: bool, from_beginning: bool, idle_exit: float | None
) -> None:
    console = Console()
    if not json_lines:
        console.print("[bold]partition:offset  id  source  verdict  title/message[/bold]")
    async for record in consume(
        settings, [topic], from_beginning=from_beginning, idle_timeout=idle_exit
    ):
        if json_lines:
            sys.stdout.buffer.write((record.value or b"null") + b"\n")
            sys.stdout.buffer.flush()
        else:
            console.print("  ".join(summary_row(record)), highlight=False)
