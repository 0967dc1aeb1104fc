"""Writes docs/asyncapi.yaml: the AsyncAPI 3.0 catalogue of the public events.

Built from the code (contracts, envelope, topics, consumers, the insights stream route);
nothing connects to a server, so this runs anywhere."""

import sys
from pathlib import Path
from typing import Any

import yaml

from scripts.asyncapi.document import asyncapi_document

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "asyncapi.yaml"


class _Dumper(yaml.SafeDumper):
    """Multi-line text as `|` blocks, so descriptions read as they were written."""


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def rendered_document() -> str:
    return yaml.dump(
        asyncapi_document(),
        Dumper=_Dumper,
        sort_keys=True,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def main() -> int:
    DOCUMENT.write_text(rendered_document())
    print(f"wrote {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
