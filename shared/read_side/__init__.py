"""What the read-side services (insights, webhooks) share: a database of their own, one
consumption of the three public topics with its positions in that database, and an
HTTP app without an event store behind it. Each service adds only what is its own."""
