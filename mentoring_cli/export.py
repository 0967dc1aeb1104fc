"""`mentoring export program`: the public facts about one program, as CSV rows.

Read from the three public topics, so the report holds exactly what partners and
dashboards may see: no contact data and no private words ever reach it.
"""

import csv
import json
from typing import TextIO
from uuid import UUID

from mentoring_cli.topics import read_to_end, service_topics
from shared.envelope import UndecodableMessage, decode
from shared.settings import Settings

COLUMNS = ("time", "type", "organization", "relationship", "subject", "id", "data")


async def export_program(settings: Settings, program_id: UUID, out: TextIO) -> int:
    rows = []
    for topic in service_topics(settings):
        async for record in read_to_end(settings, topic):
            try:
                event = decode(record.value)
            except UndecodableMessage:
                continue  # not a fact; dead letters are `mentoring dlq list`'s business
            if event.program == str(program_id):
                rows.append((event.time.isoformat(), event.type, event.tenant, event.relationship or "",
                             event.subject, event.id, json.dumps(event.data, sort_keys=True)))
    rows.sort()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return len(rows)
