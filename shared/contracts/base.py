"""Base for versioned public event contracts.

A contract is a pydantic model. Its CloudEvents `type` is
`mentoring.<service>.<Name>.v<version>`; bumping `version` makes a new type, so a
consumer that knows only v1 never misreads a v2 payload.
"""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

CONTRACTS: dict[str, type["EventContract"]] = {}


class EventContract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: ClassVar[str]
    abstract: ClassVar[bool] = True
    version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A service's own base class (marked abstract) names no event.
        if not cls.__dict__.get("abstract", False):
            CONTRACTS[cls.cloudevent_type()] = cls

    @classmethod
    def cloudevent_type(cls) -> str:
        return f"mentoring.{cls.service}.{cls.__name__}.v{cls.version}"

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        schema = cls.model_json_schema()
        schema["$id"] = f"https://mentoring.example/events/{cls.cloudevent_type()}.json"
        schema["title"] = cls.cloudevent_type()
        return schema


def contract_for(cloudevent_type: str) -> type[EventContract] | None:
    return CONTRACTS.get(cloudevent_type)
