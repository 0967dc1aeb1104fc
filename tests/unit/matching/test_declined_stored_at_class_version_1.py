"""A decline stored before reason codes (MatchDeclined at class version 1) loads, upcast
to the code `other`, and publishes no words."""

from eventsourcing.application import Application

from services.matching.domain.proposal import MatchProposal
from services.matching.publishing import to_public
from tests.unit.matching.test_matching_replicas_and_publishing import AT, proposal


def test_a_version_1_decline_loads_with_the_code_other():
    app = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    made = proposal()
    made.decline("mentor", "too busy this spring", AT)
    app.save(made)
    # Rewrite the stored decline as version 1 code stored it: no reason_code, no version mark.
    recorder = app.recorder
    stored = recorder.select_events(made.id)
    declined = stored[-1]
    state = app.mapper.transcoder.decode(declined.state)
    assert state.pop("reason_code") == "other"
    state.pop("class_version", None)
    old = type(declined)(originator_id=declined.originator_id, originator_version=declined.originator_version,
                         topic=declined.topic, state=app.mapper.transcoder.encode(state))
    recorder._stored_events[recorder._stored_events.index(declined)] = old  # as the old release left it
    loaded = app.repository.get(made.id)
    assert loaded.status == "declined" and loaded.ended_reason == "too busy this spring"
    event = app.mapper.to_domain_event(old)
    assert event.reason_code == "other"
    assert to_public(event, loaded).contract.reason == ""
    assert isinstance(loaded, MatchProposal)
