"""Response helpers: a resource with its ETag, a page of a list."""

from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from shared.http.versions import etag
from shared.read_model import Page


def resource(view: dict[str, Any], version: int, status: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"ETag": etag(version)}
    if location:
        headers["Location"] = location
    return JSONResponse(jsonable_encoder(view), status_code=status, headers=headers)


def page(listing: Page) -> dict[str, Any]:
    return {"items": listing.items, "next_cursor": listing.next_cursor}
