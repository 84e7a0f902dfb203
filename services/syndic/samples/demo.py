"""Six raw records for `syndic demo`: an original, an exact re-post, a boilerplate-wrapped copy,
another outlet's write-up of the same event, an unrelated article, and a broken record."""

from __future__ import annotations

import orjson

BRIDGE = (
    "PORT ALDER — The city council voted 7 to 2 on Tuesday night to approve the long-delayed "
    "Harbor Street bridge, ending a four-year dispute over its cost and route.\n"
    "The new crossing will replace the 1958 swing bridge that has been closed to trucks since a "
    "structural inspection found corroded supports last spring.\n"
    "Council member Ruth Okafor, who sponsored the measure, said the vote \u201cfinally gives the "
    "east side a reliable way to the hospital and the ferry terminal.\u201d\n"
    "The project is expected to cost $84 million, with about half covered by a state "
    "infrastructure grant awarded in March.\n"
    "Opponents argued that the design, a fixed span with a 22-metre clearance, would block taller "
    "sailing vessels from the inner marina and hurt the annual tall-ships festival.\n"
    "Construction is scheduled to begin next summer and to take roughly three years, during which "
    "a temporary pedestrian ferry will run every twenty minutes."
)

BRIDGE_WRAPPED = (
    "Home / Local / Transport\n"
    "Share this article on Facebook Share on X Email\n"
    + BRIDGE
    + "\nRelated articles\nSubscribe to our newsletter for the latest local news\n"
    "© 2024 The Evening Lantern. All rights reserved. Contact: newsroom@lantern.example"
)

BRIDGE_OTHER_TAKE = (
    "Port Alder councillors on Tuesday backed plans for a fixed bridge on Harbor Street after "
    "years of argument, clearing the way for work to start next year.\n"
    "The 7-2 vote followed a three-hour public hearing in which marina owners warned that the "
    "22-metre span would shut out tall ships.\n"
    "Supporters, led by Ruth Okafor, said the ageing swing bridge, closed to heavy traffic since "
    "engineers found corrosion last year, had cut the east side off from emergency services.\n"
    "Roughly half of the $84 million budget will come from a state grant.\n"
    "A temporary foot ferry is planned while the old crossing is demolished."
)

LIBRARY = (
    "GREENFORD — The town's new public library opened its doors on Saturday with a queue that "
    "stretched around the block before the ribbon was cut.\n"
    "The two-storey building includes a makerspace with 3D printers, a children's reading garden "
    "and a local history archive digitised by volunteers over the past five years.\n"
    "Head librarian Tomas Lindqvist said more than 1,200 people registered for library cards on "
    "the first day, twice the number staff had planned for."
)


def demo_records() -> list[bytes]:
    published = "2024-05-14T21:30:00Z"
    records = [
        {"id": "harbor-1", "source": "harbor-gazette", "title": "Council approves Harbor Street "
         "bridge", "text": BRIDGE, "published_at": published,
         "url": "https://harbor-gazette.example/news/bridge?utm_source=feed"},
        {"id": "wire-7", "source": "coastal-wire", "title": "Council approves Harbor Street "
         "bridge", "text": BRIDGE, "published_at": "2024-05-14T22:05:00Z"},
        {"id": "lantern-3", "source": "evening-lantern", "title": "Bridge approved | Evening "
         "Lantern", "text": BRIDGE_WRAPPED, "published_at": "2024-05-14T23:10:00Z"},
        {"id": "metro-9", "source": "metro-daily", "title": "Port Alder backs fixed bridge despite "
         "marina fears", "text": BRIDGE_OTHER_TAKE, "published_at": "2024-05-15T06:00:00Z"},
        {"id": "valley-2", "source": "valley-news", "title": "Crowds at new Greenford library",
         "text": LIBRARY, "published_at": "2024-05-15T10:00:00Z"},
    ]  # fmt: skip
    return [orjson.dumps(r) for r in records] + [b'{"source": "broken-feed", "text": "unterminated']


def demo_waves() -> tuple[list[bytes], list[bytes]]:
    """The originals (with the broken record), then the copies and the other take."""
    records = demo_records()
    return [records[0], records[4], records[5]], [records[1], records[2], records[3]]
