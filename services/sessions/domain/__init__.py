"""Sessions' domain: a relationship from agreement to close. No I/O."""
