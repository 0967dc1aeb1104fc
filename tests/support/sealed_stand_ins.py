"""Stand-ins for text the vault sealed, for tests that never open it.

The event store refuses a declared-private field holding anything that does not look
sealed (shared/privacy.py), so a stand-in is valid base64 of at least a nonce and a tag,
and still reads as what it stands for, so that a test can look for it in a published
fact or a view.
"""

from shared.privacy import looks_sealed


def sealed_stand_in(label: str) -> str:
    letters = "".join(character for character in label if character.isalnum())
    text = letters.ljust(40, "0")
    text += "0" * (-len(text) % 4)
    assert looks_sealed(text), label
    return text
