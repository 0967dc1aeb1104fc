"""The `mentoring` command: one entry point for operators (installed by pyproject.toml)."""

import asyncio
import json
import sys
import time
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import httpx
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from mentoring_cli import consumer_lag, dead_letters, export, redrive, status, timeline
from mentoring_cli.durations import parse_lifetime
from mentoring_cli.operator_api import SERVICES, ServiceRefused, call
from mentoring_cli.topics import dead_letter_topics
from shared.http.auth import ROLES, issue_token
from shared.settings import get_settings

app = typer.Typer(help="Operate the mentoring services: tokens, status, dead letters, timelines, exports.",
                  no_args_is_help=True, add_completion=False)
dlq_app = typer.Typer(help="Dead-lettered messages: list, show, redrive.", no_args_is_help=True)
parked_app = typer.Typer(help="Records a service's followers parked: list, retry, skip.", no_args_is_help=True)
export_app = typer.Typer(help="Reports of public facts as CSV.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
app.add_typer(parked_app, name="parked")
app.add_typer(export_app, name="export")
Service = Annotated[str, typer.Argument(help="intake, matching or sessions")]
console = Console()


@app.command()
def token(
    roles: Annotated[str, typer.Option(help="comma-separated: partner, participant, operator, dashboard")],
    org: Annotated[str, typer.Option(help="the partner organization (the token's tenant)")],
    participant_id: Annotated[UUID | None, typer.Option(help="for participant tokens")] = None,
    subject: Annotated[str, typer.Option(help="who the token is for")] = "mentoring-cli",
    lifetime: Annotated[str, typer.Option(help="90s, 45m, 12h, 30d (at most 400d)")] = "12h",
) -> None:
    """Mint a bearer token signed with this deployment's JWT secret."""
    wanted = [role.strip() for role in roles.split(",") if role.strip()]
    unknown = sorted(set(wanted) - ROLES)
    if unknown or not wanted:
        raise typer.BadParameter(f"roles must be among {sorted(ROLES)}; got {unknown or 'none'}", param_hint="--roles")
    if "participant" in wanted and participant_id is None:
        raise typer.BadParameter("a participant token names its participant", param_hint="--participant-id")
    try:
        life = parse_lifetime(lifetime)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--lifetime") from error
    typer.echo(issue_token(get_settings(), subject, org, wanted, participant_id, lifetime=life))


@app.command("status")
def show_status(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Each service's readiness and followers, the read side's consumer lag, and the depth
    of every dead-letter topic."""
    settings = get_settings()
    services = [status.readiness(service) for service in status.STATUS_SERVICES]
    depths = asyncio.run(status.dead_letter_depths(settings))
    lags = asyncio.run(consumer_lag.read_side_lags(settings))
    if as_json:
        typer.echo(json.dumps({"services": services, "consumer_lag": lags, "dead_letters": depths}, indent=2))
    else:
        table = Table(title="services")
        for column in ("service", "url", "ready", "checks"):
            table.add_column(column)
        for entry in services:
            checks = "\n".join(f"{name}: {value}" for name, value in status.flatten(entry["checks"]))
            table.add_row(entry["service"], entry["url"], "yes" if entry["ready"] else "NO", checks)
        console.print(table)
        lag = Table(title="consumer lag on the public topics")
        lag.add_column("service")
        lag.add_column("topic")
        lag.add_column("records behind", justify="right")
        for service, topics in lags.items():
            for topic, behind in topics.items():
                lag.add_row(service, topic, "no topic yet" if behind is None else str(behind))
        console.print(lag)
        dlq = Table(title="dead letters")
        dlq.add_column("topic")
        dlq.add_column("messages", justify="right")
        for topic, count in depths.items():
            dlq.add_row(topic, "no topic yet" if count is None else str(count))
        console.print(dlq)
    if not all(entry["ready"] for entry in services):
        raise typer.Exit(1)


@dlq_app.command("list")
def dlq_list(
    topic: Annotated[str | None, typer.Argument(help="one dead-letter topic; all three by default")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Every dead-lettered message with the consumer that refused it and why."""
    settings = get_settings()
    letters = [letter for name in ([topic] if topic else dead_letter_topics(settings))
               for letter in asyncio.run(dead_letters.dead_letters(settings, name))]
    if as_json:
        typer.echo(json.dumps([{"address": letter.address, "consumer": letter.consumer, "origin": letter.origin,
                                "reason": letter.reason} for letter in letters], indent=2))
        return
    table = Table(title="dead letters")
    for column in ("address", "consumer", "origin", "reason"):
        table.add_column(column, overflow="fold")
    for letter in letters:
        # The first line says what went wrong; `dlq show` has the rest.
        table.add_row(letter.address, letter.consumer, letter.origin, letter.reason.splitlines()[0][:200])
    console.print(table)


@dlq_app.command("show")
def dlq_show(address: Annotated[str, typer.Argument(help="topic:partition:offset as `dlq list` prints it")]) -> None:
    """One dead letter in full: its reason, headers and the message itself."""
    letter = dead_letter_at(address)
    body: object
    try:
        body = json.loads(letter.value)
    except ValueError:
        body = letter.value.decode(errors="replace")
    typer.echo(json.dumps({"address": letter.address, "consumer": letter.consumer, "origin": letter.origin,
                           "reason": letter.reason, "message": body}, indent=2))


@dlq_app.command("redrive")
def dlq_redrive(address: Annotated[str, typer.Argument(help="topic:partition:offset as `dlq list` prints it")]) -> None:
    """Send a dead letter back to its topic, for the consumer that refused it, after a fix."""
    letter = dead_letter_at(address)
    origin = asyncio.run(redrive.redrive(get_settings(), letter))
    typer.echo(f"redriven to {origin} for {letter.consumer}")


def dead_letter_at(address: str) -> dead_letters.DeadLetter:
    topic, partition, offset = parse_address(address)
    for letter in asyncio.run(dead_letters.dead_letters(get_settings(), topic)):
        if (letter.partition, letter.offset) == (partition, offset):
            return letter
    typer.echo(f"no dead letter at {address}", err=True)
    raise typer.Exit(1)


@parked_app.command("list")
def parked_list(
    service: Annotated[str | None, typer.Argument(help="one service; all three by default")] = None,
    state: Annotated[str, typer.Option(help="parked, retried or skipped")] = "parked",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """What each service's relay, projector and timers could not apply, and why."""
    rows = []
    for name in [checked_service(service)] if service else SERVICES:
        for item in operator_call(name, "GET", "/v1/operations/parked", params={"state": state})["items"]:
            rows.append({"service": name, **item})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{state} records")
    for column in ("service", "follower", "address", "parked_at", "reason"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["service"], row["follower"], row["address"], row["parked_at"], row["reason"][:200])
    console.print(table)


@parked_app.command("retry")
def parked_retry(service: Service, follower: str, address: str) -> None:
    """Apply a parked record again, alone, once its cause is fixed."""
    answer = operator_call(checked_service(service), "POST", f"/v1/operations/parked/{follower}/{address}/retry")
    typer.echo(f"{follower} {address}: {answer['state']}")


@parked_app.command("skip")
def parked_skip(service: Service, follower: str, address: str) -> None:
    """Leave a parked record for good (it stays listed as skipped, with its reason)."""
    answer = operator_call(checked_service(service), "POST", f"/v1/operations/parked/{follower}/{address}/skip")
    typer.echo(f"{follower} {address}: {answer['state']}")


@app.command("rebuild")
def rebuild(
    service: Service,
    read_model: Annotated[str, typer.Argument(help="the read model: documents")] = "documents",
    wait: Annotated[bool, typer.Option(help="follow the replay to its end")] = True,
) -> None:
    """Empty a service's read model and replay its whole log into it, with progress."""
    if read_model != "documents":
        raise typer.BadParameter("the read model each service has is `documents`", param_hint="READ_MODEL")
    service = checked_service(service)
    total = operator_call(service, "POST", "/v1/operations/rebuild/documents")["notifications"]
    if wait:
        follow_replay(service, "projector", total)


@app.command("republish")
def republish(
    service: Service,
    after: Annotated[int, typer.Option("--from", min=0, help="re-send the events after this notification id")] = 0,
    wait: Annotated[bool, typer.Option(help="follow the relay to its end")] = True,
) -> None:
    """Re-send a service's stored events to its topic, for rebuilding a consumer elsewhere."""
    service = checked_service(service)
    total = operator_call(service, "POST", "/v1/operations/republish", params={"from": after})["notifications"]
    if wait:
        follow_replay(service, "relay", total)


def follow_replay(service: str, follower: str, total: int) -> None:
    started = time.monotonic()
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task(f"{service} {follower}", total=max(total, 1))
        while True:
            answer = status.readiness(service)
            lag = answer["checks"].get("followers", {}).get(follower, {}).get("lag")
            if lag is not None:
                progress.update(task, completed=max(total - lag, 0))
                if lag == 0:
                    break
            time.sleep(0.5)
    elapsed = max(time.monotonic() - started, 1e-6)
    console.print(f"{total} notifications in {elapsed:.1f} s ({total / elapsed:,.0f}/s)")


def checked_service(service: str) -> str:
    if service not in SERVICES:
        raise typer.BadParameter("one of intake, matching or sessions", param_hint="SERVICE")
    return service


def operator_call(service: str, method: str, path: str, **options: object) -> dict[str, Any]:
    try:
        answer: dict[str, Any] = call(get_settings(), service, method, path, **options)
    except (ServiceRefused, httpx.HTTPError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    return answer


@app.command("timeline")
def show_timeline(
    relationship_id: Annotated[UUID, typer.Argument(help="the relationship (= request) id")],
    as_of: Annotated[datetime | None, typer.Option(help="RFC 3339 moment with offset")] = None,
) -> None:
    """A relationship's whole life across the three services, optionally as of a moment."""
    if as_of is not None and as_of.tzinfo is None:
        raise typer.BadParameter("give the moment with its offset, e.g. 2027-03-01T12:00:00+00:00",
                                 param_hint="--as-of")
    try:
        body = timeline.fetch_timeline(get_settings(), relationship_id, as_of)
    except RuntimeError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    table = Table(title=f"relationship {relationship_id}" + (f" as of {as_of.isoformat()}" if as_of else ""))
    for column in ("at", "source", "fact", "attributes"):
        table.add_column(column, overflow="fold")
    for entry in body["entries"]:
        table.add_row(str(entry["at"]), entry["source"], entry["fact"], timeline.describe(entry["attributes"]))
    console.print(table)
    state = body.get("state") or {}
    console.print(f"state: {state.get('status', 'not started')}")


@export_app.command("program")
def export_program(program_id: Annotated[UUID, typer.Argument(help="the program id")]) -> None:
    """CSV on stdout of every public fact about the program, in time order."""
    count = asyncio.run(export.export_program(get_settings(), program_id, sys.stdout))
    typer.echo(f"{count} facts", err=True)


def parse_address(address: str) -> tuple[str, int, int]:
    topic, _, rest = address.rpartition(":")
    topic, _, partition = topic.rpartition(":")
    if not topic or not partition.isdigit() or not rest.isdigit():
        raise typer.BadParameter("expected topic:partition:offset", param_hint="ADDRESS")
    return topic, int(partition), int(rest)


if __name__ == "__main__":
    app()
