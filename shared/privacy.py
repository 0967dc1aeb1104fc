"""Privacy declared on the data itself, not known by naming or kept in lists.

A field annotated `Private` holds text sealed with one person's own key (shared/vault.py),
so erasing that person (deleting the key) makes it unreadable for good. `owner` names the
field that says who that person is. Whatever must treat private text apart reads the
declaration: a timeline hands it to its owner only, and no public fact may carry it.

    @event("PrivateNoteAdded")
    def _private_note_added(self, author: UUID, note_ciphertext: Annotated[str, Private(owner="author")]) -> None:

The library makes the event class from the method's signature, annotations included.
"""

from dataclasses import dataclass
from typing import Any, get_type_hints


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

