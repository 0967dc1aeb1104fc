"""Response helpers: a resource with its ETag, a page of a list.

Routes answer with these responses as they are and declare their models with
`response_model`, which documents the shape without re-serialising what the views
return (a datetime keeps its `+00:00`, a field nobody modelled is not dropped).
"""

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

import orjson
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from shared.http.versions import etag
from shared.read_model import Page as Listing

Item = TypeVar("Item")
ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS


class FastJSONResponse(JSONResponse):
    """The same JSON as FastAPI's encoder gives, from orjson in C: jsonable_encoder walks
    every value in Python, and was most of a list page's cost (50 documents). Types orjson
    does not know (a pydantic model, a set) still go through jsonable_encoder."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=jsonable_encoder, option=ORJSON_OPTIONS)


class Page(BaseModel, Generic[Item]):
    """One page of a list; pass `next_cursor` back as `?cursor=` for the next one."""

    items: list[Item]
    next_cursor: str | None = Field(description="absent (null) on the last page")


def resource(view: dict[str, Any], version: int, status: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"ETag": etag(version)}
    if location:
        headers["Location"] = location
    return FastJSONResponse(view, status_code=status, headers=headers)


def page(listing: Listing) -> JSONResponse:
    return FastJSONResponse({"items": listing.items, "next_cursor": listing.next_cursor})


def json_body(view: Any, status: int = 200) -> JSONResponse:
    """A plain answer (no ETag), encoded as FastAPI would encode a returned dict."""
    return FastJSONResponse(view, status_code=status)


class PublicEventItem(BaseModel):
    """One public event as the service's topic carries it (a CloudEvent 1.0); `data`
    validates against the JSON Schema that `dataschema` names (docs/events/)."""

    specversion: Literal["1.0"]
    id: str = Field(description="the same id as on Kafka: dedupe by it")
    source: str
    type: str = Field(description="mentoring.<service>.<Event>.v<n>")
    subject: str
    subjectversion: int = Field(description="the subject's version after this event (its ETag's number)")
    time: datetime
    datacontenttype: Literal["application/json"]
    dataschema: str
    program: str | None
    relationship: str | None
    data: dict[str, Any]


class History(BaseModel):
    items: list[PublicEventItem]
