"""A list page links to its first item's operations: the way in to the things a client did
not create itself (matching's matches and sessions' relationships come from events)."""

from services.matching.main import create_app as matching_app
from services.sessions.main import create_app as sessions_app

FIRST_ITEM = "$response.body#/items/0/id"


def list_links(document, path):
    return document["paths"][path]["get"]["responses"]["200"].get("links", {})


def test_the_matches_page_links_each_operation_on_its_first_match():
    links = list_links(matching_app().openapi(), "/v1/matches")
    assert set(links) == {"read_match", "accept", "decline", "match_history"}
    assert all(link["parameters"] == {"match_id": FIRST_ITEM} for link in links.values())


def test_the_relationships_page_links_what_its_first_relationship_alone_addresses():
    links = list_links(sessions_app().openapi(), "/v1/relationships")
    assert links["read_relationship"]["parameters"] == {"relationship_id": FIRST_ITEM}
    # An operator or partner acts for one of the people: the first item's first party.
    assert links["close"]["parameters"] == {"relationship_id": FIRST_ITEM,
                                            "acting_for": "$response.body#/items/0/parties/0/participant_id"}
    assert {"timeline", "propose_agreement", "schedule", "close"} <= set(links)
    # A session's operations need its session id too, which no relationship page names.
    assert not {"held", "cancel", "reschedule"} & set(links)


def test_a_page_without_ids_links_nowhere():
    assert list_links(sessions_app().openapi(), "/v1/operations/parked") == {}
