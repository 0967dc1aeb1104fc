"""One example instance per contract, built from its JSON Schema: every property present
(optional ones too, so the example exercises the whole schema), the smallest values the
constraints allow, and ids that repeat across events (`request_id` is one id everywhere), so
the examples read as one story. Deterministic: the catalogue must not change between runs."""

from typing import Any
from uuid import NAMESPACE_URL, uuid5

EXAMPLE_TIME = "2027-03-01T09:00:00Z"
# A pattern the builder does not know fails loudly: add a value that matches it.
PATTERN_VALUES = {"^[a-z]{2,3}$": "en", "^[0-9]+$": "42",
                  r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$": "09:00"}
FORMAT_VALUES = {"date-time": EXAMPLE_TIME, "date": "2027-09-01", "time": "09:00:00"}


def example_id(name: str) -> str:
    return str(uuid5(NAMESPACE_URL, f"mentoring:example:{name}"))


def example_of(schema: dict[str, Any], definitions: dict[str, Any], name: str = "value") -> Any:
    """`definitions` resolves `#/components/schemas/<name>` references."""
    if "$ref" in schema:
        return example_of(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions, name)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        branches = [branch for branch in schema["anyOf"] if branch.get("type") != "null"]
        return example_of(branches[0], definitions, name)
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, definitions)
    if kind == "array":
        count = max(schema.get("minItems", 0), 1 if schema.get("maxItems", 1) else 0)
        return [example_of(schema["items"], definitions, name) for _ in range(count)]
    if kind == "string":
        return _string(schema, name)
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        value = min(max(low, 1), schema.get("maximum", max(1, low)))
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    raise ValueError(f"no example for {name}: {schema}")


def _object(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties", {})
    if not properties and isinstance(schema.get("additionalProperties"), dict):
        return {"learning": example_of(schema["additionalProperties"], definitions, "learning")}
    return {
        field: example_of(value, definitions, field) for field, value in sorted(properties.items())
    }


def _string(schema: dict[str, Any], name: str) -> str:
    if schema.get("format") == "uuid":
        return example_id(name)
    if "format" in schema:
        return FORMAT_VALUES[schema["format"]]
    if "pattern" in schema:
        return PATTERN_VALUES[schema["pattern"]]
    text = f"example {name}".replace("_", " ")
    return text[: schema.get("maxLength", len(text))].ljust(schema.get("minLength", 0), "x")
