"""Declines stored by earlier releases load: version 1 (before reason codes) upcast to the
code `other`, version 2 (the words in plain text) to a decline whose words no reader is
shown again; neither publishes words."""

import pytest
from eventsourcing.application import Application

from services.matching.domain.proposal import MatchProposal
from services.matching.publishing import to_public
from tests.unit.matching.test_matching_replicas_and_publishing import AT, proposal


def stored_as(version: int, words: str, code: str) -> tuple[Application, MatchProposal, object]:
    """A proposal declined now, its decline rewritten as release `version` stored it."""
    app = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    made = proposal()
    made.decline("mentor", "c2VhbGVkIGxhdGVyIGJ5IHRoZSB2YXVsdCwgbm90IGhlcmU=", AT, code)
    app.save(made)
    recorder = app.recorder
    declined = recorder.select_events(made.id)[-1]
    state = app.mapper.transcoder.decode(declined.state)
    state.pop("decliner_id"), state.pop("reason_ciphertext"), state.pop("class_version", None)
    state["reason"] = words
    if version == 1:
        state.pop("reason_code"), state.pop("answered_by")
    else:
        state["class_version"] = 2
    old = type(declined)(originator_id=declined.originator_id, originator_version=declined.originator_version,
                         topic=declined.topic, state=app.mapper.transcoder.encode(state))
    recorder._stored_events[recorder._stored_events.index(declined)] = old  # as the old release left it
    return app, made, old


@pytest.mark.parametrize(("version", "code", "shown"), [(1, "schedule", "declined"),
                                                         (2, "schedule", "declined: the schedule")])
def test_an_earlier_decline_loads_and_shows_its_code_not_its_words(version, code, shown):
    app, made, old = stored_as(version, "too busy this spring", code)
    loaded = app.repository.get(made.id)
    assert isinstance(loaded, MatchProposal)
    assert (loaded.status, loaded.ended_reason) == ("declined", shown)
    assert (loaded.decliner_id, loaded.decline_words_ciphertext) == (None, None)
    event = app.mapper.to_domain_event(old)
    assert event.reason_code == ("other" if version == 1 else code)
    assert "too busy" not in to_public(event, loaded).contract.model_dump_json()
