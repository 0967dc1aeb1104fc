"""The dashboard page: `GET /` and the static files beside it (services/insights/static/).
They carry no data and need no token; the page asks for one and sends it on every data
call as a header. A strict Content-Security-Policy: the page's own scripts, styles and
connections only, nothing inline, no frames, no forms posting anywhere else."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

STATIC = Path(__file__).resolve().parent.parent / "static"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # A new release's page and scripts are picked up at once; they are small.
    "Cache-Control": "no-cache",
}

router = APIRouter()


@router.get("/", include_in_schema=False)
async def dashboard_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=SECURITY_HEADERS)


class PageFiles(StaticFiles):
    """Starlette's static files (no path escapes the folder), with the page's headers."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.update(SECURITY_HEADERS)
        return response


def mount_page_files(app: FastAPI) -> None:
    app.mount("/static", PageFiles(directory=STATIC), name="static")
