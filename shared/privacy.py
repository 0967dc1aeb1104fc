"""Privacy declared on the data itself, not known by naming or kept in lists.

A field annotated `Private` holds text sealed with one person's own key (shared/vault.py),
so erasing that person (deleting the key) makes it unreadable for good. `owner` names the
field that says who that person is. Whatever must treat private text apart reads the
declaration: a timeline hands it to its owner only, and no public fact may carry it.

    @event("PrivateNoteAdded")
    def _private_note_added(self, author: UUID, note_ciphertext: Annotated[str, Private(owner="author")]) -> None:

The library makes the event class from the method's signature, annotations included (a
created event's own id is `originator_id`). The event store refuses to record a declared
field holding anything but sealed text (`refuse_unsealed`), so a use case that forgot to
seal fails loudly instead of writing plaintext that erasure could never reach.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Any, get_type_hints

# A sealed value is base64 of a 12-byte nonce, the ciphertext and a 16-byte tag (shared/vault.py).
_SEALED_AT_LEAST = 12 + 16


@dataclass(frozen=True)
class Private:
    owner: str


# Read per event when a timeline is built, and a class's declarations never change.
_DECLARED: dict[type[Any], dict[str, Private]] = {}


def private_fields(declaring_class: type[Any]) -> dict[str, Private]:
    """The fields of `declaring_class` declared private, each with its marker."""
    if declaring_class not in _DECLARED:
        hints = get_type_hints(declaring_class, include_extras=True)
        _DECLARED[declaring_class] = {name: marker for name, hint in hints.items()
                                      for marker in getattr(hint, "__metadata__", ()) if isinstance(marker, Private)}
    return _DECLARED[declaring_class]



class NotSealed(ValueError):
    """A field declared private was about to be stored holding something the vault did not seal."""


def refuse_unsealed(domain_event: Any) -> None:
    """Raises unless every declared-private value of the event is absent or looks sealed."""
    for field in private_fields(type(domain_event)):
        value = getattr(domain_event, field, None)
        if value is not None and not looks_sealed(value):
            raise NotSealed(f"{type(domain_event).__qualname__}.{field} is declared private "
                            "but holds text the vault did not seal")


def looks_sealed(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return len(base64.b64decode(value, validate=True)) >= _SEALED_AT_LEAST
    except (binascii.Error, ValueError):
        return False
