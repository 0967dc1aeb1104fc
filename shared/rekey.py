"""Re-seals a service's stored events, snapshots and data keys under the current master
key, after a rotation (shared/key_ring.py), so the retired key can then be dropped:

    CIPHER_KEY=<new> CIPHER_KEYS_RETIRED=<old> python -m shared.rekey intake

Safe while the service runs: stored events never change otherwise, new ones are
already sealed with the current key, and each row is rewritten only if unchanged.
Prints what it re-sealed; a second run finds nothing left to do.
"""

import argparse
import asyncio
from dataclasses import dataclass

import asyncpg

from shared.key_ring import KeyRing
from shared.settings import Settings, get_settings
from shared.vault import Vault

BATCH = 500
EVENT_STORE_SERVICES = ("intake", "matching", "sessions")


@dataclass(frozen=True)
class Rekeyed:
    events: int
    snapshots: int
    data_keys: int


async def reseal_table(connection: asyncpg.Connection, table: str, ring: KeyRing) -> int:
    done, after = 0, (None, -1)
    while True:
        rows = await connection.fetch(
            f"""SELECT originator_id, originator_version, state FROM {table}
                WHERE $1::uuid IS NULL OR (originator_id, originator_version) > ($1::uuid, $2::bigint)
                ORDER BY originator_id, originator_version LIMIT {BATCH}""", *after)
        if not rows:
            return done
        for row in rows:
            state = bytes(row["state"])
            if ring.is_current(state):
                continue
            status = await connection.execute(
                f"UPDATE {table} SET state = $3 WHERE originator_id = $1 AND originator_version = $2 AND state = $4",
                row["originator_id"], row["originator_version"], ring.seal(ring.open(state)), state)
            done += status.endswith(" 1")
        after = (rows[-1]["originator_id"], rows[-1]["originator_version"])


async def rekey(settings: Settings, service: str) -> Rekeyed:
    ring = settings.key_ring()
    pool = await asyncpg.create_pool(settings.postgres_dsn(settings.database_for(service)), min_size=1, max_size=2)
    try:
        async with pool.acquire() as connection:
            events = await reseal_table(connection, f"{service}_events", ring)
            snapshots = await reseal_table(connection, f"{service}_snapshots", ring)
        data_keys = await Vault(pool, settings.vault_ring()).rewrap()
    finally:
        await pool.close()
    return Rekeyed(events, snapshots, data_keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("service", choices=EVENT_STORE_SERVICES)
    done = asyncio.run(rekey(get_settings(), parser.parse_args().service))
    print(f"re-sealed {done.events} events, {done.snapshots} snapshots, {done.data_keys} data keys")


if __name__ == "__main__":
    main()
