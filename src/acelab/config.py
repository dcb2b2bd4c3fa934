"""Settings: every knob is an ACELAB_* env var; the originals' names are accepted as aliases."""

import contextlib
import os
import secrets
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32
# codemm.md §1: JUDGE_TIMEOUT_MS / CODEMM_RUN_TIMEOUT_MS are capped at 30 s.
MAX_JUDGE_TIMEOUT_MS = 30_000
# A stage limit override: {"<language>|*": {"<stage>": {"<Limits field>": value}}}.
LimitOverrides = dict[str, dict[str, dict[str, float]]]


def _timeout_ms(value: object, default: int) -> int:
    """codemm.md §1: non-numeric or <= 0 gives the default; floored; capped at 30000."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return default
    if number != number or number <= 0:  # NaN included
        return default
    return min(int(number), MAX_JUDGE_TIMEOUT_MS)


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


# codemm.md §1: CODEX_PROVIDER's names; anything else means auto.
_LLM_PROVIDER_NAMES = {
    "openai": "openai",
    "oai": "openai",
    "anthropic": "anthropic",
    "claude": "anthropic",
    "gemini": "gemini",
    "google": "gemini",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path("data"), validation_alias=_env("ACELAB_DATA_DIR", "data_dir"))
    database_url: str | None = Field(None, validation_alias=_env("ACELAB_DATABASE_URL", "database_url"))
    host: str = Field("127.0.0.1", validation_alias=_env("ACELAB_HOST", "host"))
    port: int = Field(8080, validation_alias=_env("ACELAB_PORT", "port"))
    workers: int = Field(1, ge=1, validation_alias=_env("ACELAB_WORKERS", "workers"))
    log_format: str = Field("text", validation_alias=_env("ACELAB_LOG_FORMAT", "log_format"))
    # Peers whose X-Forwarded-For is believed (ace.md §16.1 S8); empty: none.
    trusted_proxies: str = Field("", validation_alias=_env("ACELAB_TRUSTED_PROXIES", "trusted_proxies"))

    jwt_secret: str | None = Field(
        None, validation_alias=_env("ACELAB_JWT_SECRET", "JWT_SECRET", "jwt_secret")
    )
    jwt_issuer: str = Field("", validation_alias=_env("ACELAB_JWT_ISSUER", "JWT_ISSUER", "jwt_issuer"))
    cookie_secure: bool = Field(
        False, validation_alias=_env("ACELAB_COOKIE_SECURE", "COOKIE_SECURE", "cookie_secure")
    )
    cors_origins: str = Field(
        "http://localhost:5173",
        validation_alias=_env("ACELAB_CORS_ORIGINS", "CORS_ORIGINS", "cors_origins"),
    )
    max_body_bytes: int = Field(1024 * 1024, validation_alias=_env("ACELAB_MAX_BODY_BYTES", "max_body_bytes"))

    access_token_ttl_s: int = 15 * 60
    codemm_token_ttl_s: int = 7 * 24 * 3600
    session_ttl_s: int = 30 * 24 * 3600
    # A just-rotated refresh token replayed within this window is a benign race between tabs or
    # parallel requests, not theft: it gets a fresh access token but no new refresh token.
    refresh_reuse_grace_s: int = Field(
        10, validation_alias=_env("ACELAB_REFRESH_REUSE_GRACE_S", "refresh_reuse_grace_s")
    )
    default_session_limit: int = 3
    # last_seen_at is written at most this often per session (on SQLite, per session and worker).
    last_seen_resolution_s: int = 60

    # Argon2id, at or above OWASP's minimum (m=19 MiB, t=2, p=1).
    argon2_memory_kib: int = Field(
        19456, validation_alias=_env("ACELAB_ARGON2_MEMORY_KIB", "argon2_memory_kib")
    )
    argon2_time_cost: int = Field(2, validation_alias=_env("ACELAB_ARGON2_TIME_COST", "argon2_time_cost"))
    argon2_parallelism: int = 1

    login_max_failures_per_account: int = Field(
        5, validation_alias=_env("ACELAB_LOGIN_MAX_FAILURES_PER_ACCOUNT", "login_max_failures_per_account")
    )
    login_max_failures_per_address: int = Field(
        30, validation_alias=_env("ACELAB_LOGIN_MAX_FAILURES_PER_ADDRESS", "login_max_failures_per_address")
    )
    login_failure_window_s: int = Field(
        15 * 60, validation_alias=_env("ACELAB_LOGIN_FAILURE_WINDOW_S", "login_failure_window_s")
    )

    bootstrap_admin_email: str = Field(
        "", validation_alias=_env("BOOTSTRAP_ADMIN_EMAIL", "bootstrap_admin_email")
    )
    bootstrap_admin_password: str = Field(
        "", validation_alias=_env("BOOTSTRAP_ADMIN_PASSWORD", "bootstrap_admin_password")
    )
    bootstrap_instructor_email: str = Field(
        "", validation_alias=_env("BOOTSTRAP_INSTRUCTOR_EMAIL", "bootstrap_instructor_email")
    )
    bootstrap_instructor_password: str = Field(
        "", validation_alias=_env("BOOTSTRAP_INSTRUCTOR_PASSWORD", "bootstrap_instructor_password")
    )

    # --- exams (ace.md §8, §16.1 S6) ------------------------------------------------------------
    # How often each process auto-submits attempts whose time and grace have run out; 0: never
    # (attempts are still closed when next touched).
    exam_sweep_interval_s: float = Field(
        10.0, ge=0, validation_alias=_env("ACELAB_EXAM_SWEEP_INTERVAL_S", "exam_sweep_interval_s")
    )
    # A heartbeat whose snapshot serializes larger than this gets 413; an event payload likewise.
    exam_snapshot_max_bytes: int = Field(
        256 * 1024, ge=1, validation_alias=_env("ACELAB_EXAM_SNAPSHOT_MAX_BYTES", "exam_snapshot_max_bytes")
    )
    exam_event_payload_max_bytes: int = Field(
        4 * 1024,
        ge=1,
        validation_alias=_env("ACELAB_EXAM_EVENT_PAYLOAD_MAX_BYTES", "exam_event_payload_max_bytes"),
    )
    # Silence between two heartbeats longer than this counts as a gap (the web app beats every 15 s).
    exam_heartbeat_gap_s: int = Field(
        45, ge=1, validation_alias=_env("ACELAB_EXAM_HEARTBEAT_GAP_S", "exam_heartbeat_gap_s")
    )
    # Published questions a process keeps per package for drawing exam papers and practice sessions;
    # a question published or withdrawn shows up in new papers at most this much later (practice
    # checks what it draws, so only a newly published question waits). 0: read them at every start.
    # The ACELAB_EXAM_ name is the one releases before practice shared the pools read.
    question_pool_ttl_s: float = Field(
        30.0,
        ge=0,
        validation_alias=_env(
            "ACELAB_QUESTION_POOL_TTL_S", "ACELAB_EXAM_QUESTION_POOL_TTL_S", "question_pool_ttl_s"
        ),
    )
    # Live feed messages an admin's stream may fall behind by before it is closed (it reconnects).
    exam_live_queue_size: int = Field(
        1000, ge=1, validation_alias=_env("ACELAB_EXAM_LIVE_QUEUE_SIZE", "exam_live_queue_size")
    )

    # --- judge (codemm.md §13, ARCHITECTURE.md "The sandbox") -----------------------------------
    # `bwrap`: the full sandbox, refusing to judge when it cannot be built. `unsafe-dev`: an explicit
    # opt-out for development hosts without seccomp support (the sandbox runs without its filter).
    sandbox: Literal["bwrap", "unsafe-dev"] = Field(
        "bwrap", validation_alias=_env("ACELAB_SANDBOX", "sandbox")
    )
    judge_timeout_ms: int = Field(
        15_000, validation_alias=_env("ACELAB_JUDGE_TIMEOUT_MS", "JUDGE_TIMEOUT_MS", "judge_timeout_ms")
    )
    run_timeout_ms: int = Field(
        8_000,
        validation_alias=_env("ACELAB_RUN_TIMEOUT_MS", "CODEMM_RUN_TIMEOUT_MS", "run_timeout_ms"),
    )
    # Concurrent judge jobs (and sandbox slots) per process; None: one per core.
    judge_workers: int | None = Field(
        None, ge=1, validation_alias=_env("ACELAB_JUDGE_WORKERS", "judge_workers")
    )
    # Build the compiled caches and start Java's compile servers at start-up, in the background, so
    # the first learner does not wait for them.
    judge_prewarm: bool = Field(True, validation_alias=_env("ACELAB_JUDGE_PREWARM", "judge_prewarm"))
    # Jobs that may wait for a worker; beyond that /run and /submit answer 503 with Retry-After.
    judge_queue_size: int = Field(
        64, ge=0, validation_alias=_env("ACELAB_JUDGE_QUEUE_SIZE", "judge_queue_size")
    )
    # codemm.md §11.4: the per-session trace stream, and its longer text cut.
    codemm_trace: bool = Field(False, validation_alias=_env("CODEMM_TRACE", "codemm_trace"))
    codemm_trace_full: bool = Field(False, validation_alias=_env("CODEMM_TRACE_FULL", "codemm_trace_full"))
    # Activity generations run at once per process (each verifies drafts on the judge's pool), and
    # generate calls that may wait; beyond that `POST /sessions/:id/generate` answers 503.
    generation_workers: int = Field(
        2, ge=1, validation_alias=_env("ACELAB_GENERATION_WORKERS", "generation_workers")
    )
    generation_queue_size: int = Field(
        8, ge=0, validation_alias=_env("ACELAB_GENERATION_QUEUE_SIZE", "generation_queue_size")
    )
    # Where per-job tmpfs work dirs are mounted and compiled caches kept; default: under data_dir.
    # The sandbox's slot uids must be able to traverse every parent directory.
    judge_work_root: Path | None = Field(
        None, validation_alias=_env("ACELAB_JUDGE_WORK_ROOT", "CODEMM_JUDGE_TMPDIR", "judge_work_root")
    )
    judge_cache_root: Path | None = Field(
        None, validation_alias=_env("ACELAB_JUDGE_CACHE_ROOT", "judge_cache_root")
    )
    judge_bwrap: str = Field("/usr/bin/bwrap", validation_alias=_env("ACELAB_JUDGE_BWRAP", "judge_bwrap"))
    judge_cgroup_name: str = Field(
        "acelab-judge", validation_alias=_env("ACELAB_JUDGE_CGROUP", "judge_cgroup_name")
    )
    # Per-language and per-stage limit overrides as JSON, e.g.
    # {"java": {"grade": {"memory_mib": 768}}, "*": {"run": {"cpu_s": 2}}}.
    judge_limits: LimitOverrides = Field(
        default_factory=dict, validation_alias=_env("ACELAB_JUDGE_LIMITS", "judge_limits")
    )

    # --- LLM providers (codemm.md §1, §12) ------------------------------------------------------
    llm_provider: Literal["auto", "openai", "anthropic", "gemini"] = Field(
        "auto",
        validation_alias=_env("ACELAB_LLM_PROVIDER", "CODEX_PROVIDER", "CODEMM_LLM_PROVIDER", "llm_provider"),
    )
    # Keys are trimmed and a blank one is absent; a blank CODEX_API_KEY still shadows OPENAI_API_KEY
    # (and GEMINI_API_KEY shadows GOOGLE_API_KEY), as in the original (codemm.md §12.2).
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=_env("ACELAB_OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_API_KEY", "openai_api_key"),
    )
    # An OpenAI-compatible server (Ollama, vLLM, llama.cpp) instead of OpenAI's own.
    openai_base_url: str | None = Field(
        None, validation_alias=_env("ACELAB_OPENAI_BASE_URL", "CODEX_BASE_URL", "openai_base_url")
    )
    # CODEX_MODEL names a model of the OpenAI-compatible server only: the original forced it onto every
    # provider (codemm.md §17.1.10, §17.2.20).
    openai_model: str | None = Field(
        None, validation_alias=_env("ACELAB_OPENAI_MODEL", "CODEX_MODEL", "openai_model")
    )
    anthropic_api_key: SecretStr | None = Field(
        None, validation_alias=_env("ACELAB_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY", "anthropic_api_key")
    )
    anthropic_model: str | None = Field(
        None, validation_alias=_env("ACELAB_ANTHROPIC_MODEL", "ANTHROPIC_MODEL", "anthropic_model")
    )
    anthropic_base_url: str | None = Field(
        None, validation_alias=_env("ACELAB_ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL", "anthropic_base_url")
    )
    anthropic_version: str | None = Field(
        None, validation_alias=_env("ACELAB_ANTHROPIC_VERSION", "ANTHROPIC_VERSION", "anthropic_version")
    )
    gemini_api_key: SecretStr | None = Field(
        None,
        validation_alias=_env("ACELAB_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "gemini_api_key"),
    )
    gemini_model: str | None = Field(
        None, validation_alias=_env("ACELAB_GEMINI_MODEL", "GEMINI_MODEL", "gemini_model")
    )
    gemini_base_url: str | None = Field(
        None, validation_alias=_env("ACELAB_GEMINI_BASE_URL", "GEMINI_BASE_URL", "gemini_base_url")
    )
    # Encrypts users' own keys at rest (codemm.md §4): 64 hex characters or base64 of 32 bytes.
    user_key_encryption_key: SecretStr | None = Field(
        None,
        validation_alias=_env(
            "ACELAB_USER_KEY_ENCRYPTION_KEY", "CODEMM_USER_KEY_ENCRYPTION_KEY", "user_key_encryption_key"
        ),
    )
    # Per HTTP attempt: the wait for the reply (a long generation answers in one piece, after a while).
    llm_timeout_s: float = Field(120.0, gt=0, validation_alias=_env("ACELAB_LLM_TIMEOUT_S", "llm_timeout_s"))
    # Retries of one call on 408/429/5xx, timeouts and connection failures.
    llm_max_retries: int = Field(
        2, ge=0, le=10, validation_alias=_env("ACELAB_LLM_MAX_RETRIES", "llm_max_retries")
    )

    # --- SpecBuilder chat (codemm.md §17.1 items 6, 9) -------------------------------------------
    # Each chat message may cost an LLM call: at most this many per window, per user and per address.
    chat_rate_window_s: int = Field(
        600, ge=1, validation_alias=_env("ACELAB_CHAT_RATE_WINDOW_S", "chat_rate_window_s")
    )
    chat_rate_per_user: int = Field(
        60, ge=1, validation_alias=_env("ACELAB_CHAT_RATE_PER_USER", "chat_rate_per_user")
    )
    chat_rate_per_address: int = Field(
        120, ge=1, validation_alias=_env("ACELAB_CHAT_RATE_PER_ADDRESS", "chat_rate_per_address")
    )

    @field_validator("llm_provider", mode="before")
    @classmethod
    def _llm_provider(cls, value: object) -> str:
        return _LLM_PROVIDER_NAMES.get(str(value).strip().lower(), "auto")

    @field_validator(
        "openai_api_key",
        "openai_base_url",
        "openai_model",
        "anthropic_api_key",
        "anthropic_model",
        "anthropic_base_url",
        "anthropic_version",
        "gemini_api_key",
        "gemini_model",
        "gemini_base_url",
        "user_key_encryption_key",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("judge_timeout_ms", mode="before")
    @classmethod
    def _judge_timeout(cls, value: object) -> int:
        return _timeout_ms(value, 15_000)

    @field_validator("run_timeout_ms", mode="before")
    @classmethod
    def _run_timeout(cls, value: object) -> int:
        return _timeout_ms(value, 8_000)

    @property
    def judge_worker_count(self) -> int:
        return self.judge_workers or os.cpu_count() or 1

    @property
    def judge_work_dir(self) -> Path:
        return (self.judge_work_root or self.data_dir / "judge" / "work").resolve()

    @property
    def judge_cache_dir(self) -> Path:
        return (self.judge_cache_root or self.data_dir / "judge" / "cache").resolve()

    @field_validator("cookie_secure", mode="before")
    @classmethod
    def _truthy(cls, value: object) -> object:
        # ace.md §2.4: COOKIE_SECURE is on for 1/true/yes, anything else is off.
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes"}
        return value

    @cached_property
    def sqlalchemy_url(self) -> str:
        """Return the async SQLAlchemy URL: the configured database or SQLite in the data dir."""
        url = self.database_url
        if not url:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'acelab.db').resolve()}"
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix) :]
        if url.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @cached_property
    def cors_origin_list(self) -> frozenset[str]:
        # ace.md §1.4: comma list, trimmed, case-insensitive; blank means the dev UI.
        origins = {o.strip().lower() for o in self.cors_origins.split(",") if o.strip()}
        return frozenset(origins or {"http://localhost:5173"})

    @cached_property
    def trusted_proxy_list(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @cached_property
    def signing_secret(self) -> str:
        """Return the JWT secret: the configured one, or one generated once into the data dir."""
        if self.jwt_secret is not None:
            if len(self.jwt_secret) < MIN_SECRET_LENGTH:
                raise ValueError(f"JWT secret must be at least {MIN_SECRET_LENGTH} characters")
            return self.jwt_secret
        return load_or_create_secret(self.data_dir / "jwt_secret")


def load_or_create_secret(path: Path) -> str:
    """Read the secret at `path`, creating it (mode 0600) if missing; safe across racing workers."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic: the first writer wins, the rest read its value
        finally:
            os.unlink(tmp)
    return path.read_text().strip()
