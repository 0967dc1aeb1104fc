from scripts.export_event_schemas import EVENTS_DIR, rendered_schemas


def test_docs_events_holds_exactly_the_schemas_the_code_defines():
    """Fails when a contract changed without `python -m scripts.export_event_schemas`."""
    on_disk = {path.name: path.read_text() for path in EVENTS_DIR.glob("*.json")}
    assert on_disk == rendered_schemas()
