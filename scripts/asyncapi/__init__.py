"""The AsyncAPI 3.0 catalogue of the public events, built from the code.

Written by scripts.export_asyncapi."""
