"""Typed settings, one environment variable per knob (names in README "Configuration")."""

from functools import lru_cache

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.http.identity_providers import TrustedIssuer
from shared.key_ring import KeyRing


DEVELOPMENT_SECRETS = {
    "cipher_key": "bG9jYWwtZGV2LW9ubHkta2V5LTMyLWJ5dGVzLWxvbmc=",
    "vault_key": "bG9jYWwtZGV2LW9ubHktdmF1bHQta2V5LTMyYnl0ZXM=",
    "jwt_secret": "local-dev-only-jwt-secret-change-me-please",
    "postgres_password": "mentoring",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="KAFKA_BOOTSTRAP_SERVERS")
    # Dashboards read `<namespace>.<service>.v1`; tests use their own namespace.
    topic_namespace: str = Field("mentoring", pattern=r"^[a-z0-9_.-]+$", description="TOPIC_NAMESPACE")
    topic_partitions: int = Field(3, ge=1, description="TOPIC_PARTITIONS, for topics we create")
    topic_replication_factor: int = Field(1, ge=1, le=16, description="TOPIC_REPLICATION_FACTOR (3 in production)")
    topic_min_insync_replicas: int = Field(1, ge=1, le=16, description="TOPIC_MIN_INSYNC_REPLICAS (2 in production)")
    # Service topics are kept for ever: a consumer (matching's pool) is rebuilt from them.
    topic_retention_ms: int = Field(-1, ge=-1, description="TOPIC_RETENTION_MS for service topics, -1 for ever")
    dead_letter_retention_ms: int = Field(30 * 24 * 3600 * 1000, ge=-1, description="DEAD_LETTER_RETENTION_MS")

    postgres_host: str = Field("127.0.0.1", description="POSTGRES_HOST")
    postgres_port: int = Field(55432, description="POSTGRES_PORT")
    postgres_user: str = Field("mentoring", description="POSTGRES_USER")
    postgres_password: SecretStr = Field(SecretStr(DEVELOPMENT_SECRETS["postgres_password"]),
                                         description="POSTGRES_PASSWORD")
    intake_database: str = Field("mentoring_intake", description="INTAKE_DATABASE")
    matching_database: str = Field("mentoring_matching", description="MATCHING_DATABASE")
    sessions_database: str = Field("mentoring_sessions", description="SESSIONS_DATABASE")
    insights_database: str = Field("mentoring_insights", description="INSIGHTS_DATABASE")
    webhooks_database: str = Field("mentoring_webhooks", description="WEBHOOKS_DATABASE")

    # AES key (base64, 16/24/32 bytes) encrypting every stored event at rest.
    cipher_key: SecretStr = Field(
        SecretStr(DEVELOPMENT_SECRETS["cipher_key"]), description="CIPHER_KEY"
    )
    # Comma-separated base64 keys that no longer seal but still open (key rotation: shared/key_ring.py).
    cipher_keys_retired: SecretStr = Field(SecretStr(""), description="CIPHER_KEYS_RETIRED")
    # A key of its own for the per-person data keys (crypto-shredding, shared/vault.py), so
    # that the store's key and the key wrapping people's keys rotate and leak apart.
    vault_key: SecretStr = Field(SecretStr(DEVELOPMENT_SECRETS["vault_key"]), description="VAULT_KEY")
    vault_keys_retired: SecretStr = Field(SecretStr(""), description="VAULT_KEYS_RETIRED")
    jwt_secret: SecretStr = Field(SecretStr(DEVELOPMENT_SECRETS["jwt_secret"]), description="JWT_SECRET")
    jwt_audience: str = Field("mentoring-api", description="JWT_AUDIENCE")
    jwt_issuer: str = Field("mentoring-operator", description="JWT_ISSUER")
    # A partner's own identity provider: JSON {"<iss>": {"jwks_url": "...", "organization": "acme"}}.
    trusted_issuers: dict[str, TrustedIssuer] = Field(default_factory=dict, description="TRUSTED_ISSUERS")

    # False: this process only answers HTTP (writes reach the store and its outbox); the
    # relay, projector, consumers and timers run in another process of the same service
    # with it true, so they do not compete with requests for one event loop and GIL.
    background_work: bool = Field(True, description="BACKGROUND_WORK")
    relay_poll_seconds: float = Field(1.0, gt=0, description="RELAY_POLL_SECONDS, backstop to NOTIFY")
    relay_batch_size: int = Field(200, ge=1, description="RELAY_BATCH_SIZE")
    timer_poll_seconds: float = Field(5.0, gt=0, description="TIMER_POLL_SECONDS")
    idempotency_ttl_hours: float = Field(24.0, gt=0, description="IDEMPOTENCY_TTL_HOURS, how long a key is remembered")
    idempotency_lease_seconds: float = Field(
        30.0, gt=0, description="IDEMPOTENCY_LEASE_SECONDS, after which a retry takes over a killed request's key")
    # Aggregates kept in memory per application, brought up to date from the store on each
    # read (fast-forward: only events newer than the cached version are fetched), so a
    # second replica's writes are seen. 0 turns the cache off.
    aggregate_cache_size: int = Field(5000, ge=0, le=1_000_000, description="AGGREGATE_CACHE_SIZE")
    max_body_bytes: int = Field(65536, ge=1024, description="MAX_BODY_BYTES, larger bodies get 413")
    # Insights' event streams (services/insights): idle connections see a comment this often
    # (proxies drop silent ones); a client further behind than its queue is cut off.
    stream_heartbeat_seconds: float = Field(15.0, gt=0, description="STREAM_HEARTBEAT_SECONDS")
    stream_retry_ms: int = Field(3000, ge=0, description="STREAM_RETRY_MS, the SSE retry: a browser waits")
    stream_client_queue: int = Field(1000, ge=1, description="STREAM_CLIENT_QUEUE, events a client may lag")
    # Where spans go (OTLP over HTTP, e.g. http://otel-collector:4318); unset: none recorded.
    otel_exporter_otlp_endpoint: str | None = Field(None, description="OTEL_EXPORTER_OTLP_ENDPOINT")
    # Webhooks (services/webhooks): the wait before each retry, in seconds (jittered); a
    # delivery still failing after the last one gives up, and so does its endpoint.
    # The default spreads eight retries over about 24 hours.
    webhook_retry_schedule: str = Field(
        "10,60,300,1800,7200,18000,36000,21600", pattern=r"^\d+(\.\d+)?(,\d+(\.\d+)?)*$",
        description="WEBHOOK_RETRY_SCHEDULE, seconds before each retry")
    webhook_timeout_seconds: float = Field(10.0, gt=0, description="WEBHOOK_TIMEOUT_SECONDS")
    webhook_concurrency: int = Field(64, ge=1, description="WEBHOOK_CONCURRENCY, requests in flight")
    webhook_endpoint_concurrency: int = Field(
        4, ge=1, description="WEBHOOK_ENDPOINT_CONCURRENCY, requests in flight to one endpoint")
    webhook_poll_seconds: float = Field(1.0, gt=0, description="WEBHOOK_POLL_SECONDS, retries due")
    webhook_secret_overlap_hours: float = Field(
        24.0, ge=0, description="WEBHOOK_SECRET_OVERLAP_HOURS, a rotated secret keeps signing")
    webhook_retention_days: float = Field(
        30.0, gt=0, description="WEBHOOK_RETENTION_DAYS, delivered deliveries are then forgotten")
    log_level: str = Field("INFO", description="LOG_LEVEL")
    request_log: bool = Field(True, description="REQUEST_LOG, one JSON line per request")
    clock_offset_seconds: float = Field(0.0, description="CLOCK_OFFSET_SECONDS, for testing deadlines only")

    environment: str = Field("development", pattern=r"^[a-z]+$", description="ENVIRONMENT")

    @model_validator(mode="after")
    def _no_development_secrets_outside_development(self) -> "Settings":
        if self.environment != "development":
            built_in = [name for name in DEVELOPMENT_SECRETS
                        if getattr(self, name).get_secret_value() == DEVELOPMENT_SECRETS[name]]
            if built_in:
                raise ValueError(f"{', '.join(n.upper() for n in built_in)} still the built-in development "
                                 f"value in ENVIRONMENT={self.environment}; set a secret of your own")
        if self.topic_min_insync_replicas > self.topic_replication_factor:
            raise ValueError("TOPIC_MIN_INSYNC_REPLICAS cannot exceed TOPIC_REPLICATION_FACTOR")
        return self

    def topic_for(self, service: str) -> str:
        return f"{self.topic_namespace}.{service}.v1"

    def vault_ring(self) -> KeyRing:
        """VAULT_KEY wraps; its retired keys and the store's keys still open: data keys wrapped
        before the vault had a key of its own (under CIPHER_KEY) open until re-wrapped
        (python -m shared.rekey)."""
        retired = [*self.vault_keys_retired.get_secret_value().split(","), self.cipher_key.get_secret_value(),
                   *self.cipher_keys_retired.get_secret_value().split(",")]
        return KeyRing(self.vault_key.get_secret_value(), [key for key in retired if key.strip()])

    def key_ring(self) -> "KeyRing":
        return KeyRing.from_texts(self.cipher_key.get_secret_value(), self.cipher_keys_retired.get_secret_value())

    def database_for(self, service: str) -> str:
        return getattr(self, f"{service}_database")

    def postgres_dsn(self, database: str) -> str:
        password = self.postgres_password.get_secret_value()
        return (
            f"postgresql://{self.postgres_user}:{password}"
            f"@{self.postgres_host}:{self.postgres_port}/{database}"
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
