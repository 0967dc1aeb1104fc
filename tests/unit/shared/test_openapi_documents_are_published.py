from scripts.export_openapi import OPENAPI_DIR, rendered_documents


def test_docs_openapi_holds_the_documents_the_services_serve():
    """Fails when an API changed without `python -m scripts.export_openapi`: a change to
    the contract partners generate clients from is then visible in review."""
    on_disk = {path.name: path.read_text() for path in OPENAPI_DIR.glob("*.json")}
    assert on_disk == rendered_documents()
