"""ETags are aggregate versions; If-Match guards updates against lost writes."""

from fastapi import Response

from shared.http.problems import Problem


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, current_version: int) -> None:
    if if_match is None:
        raise Problem(428, "if-match-required", "send If-Match with the ETag you last read")
    wanted = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in wanted and etag(current_version) not in wanted:
        raise Problem(
            412, "stale-version",
            f"the resource changed: it is at {etag(current_version)}, you sent {if_match}",
        )
