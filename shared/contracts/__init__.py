"""Public event contracts: the schemas other services and dashboards rely on."""
