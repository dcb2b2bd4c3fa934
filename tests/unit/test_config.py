"""Settings: no default secret, the originals' variable names, the database URL."""

import stat

import pytest

from acelab.config import Settings


class TestSigningSecret:
    def test_generated_once_into_the_data_dir_with_mode_0600(self, tmp_path):
        first = Settings(data_dir=tmp_path).signing_secret
        again = Settings(data_dir=tmp_path).signing_secret
        assert first == again and len(first) >= 32
        assert stat.S_IMODE((tmp_path / "jwt_secret").stat().st_mode) == 0o600

    def test_configured_secret_must_be_strong(self, tmp_path):
        with pytest.raises(ValueError, match="at least 32"):
            _ = Settings(data_dir=tmp_path, jwt_secret="dev-secret-change-me").signing_secret

    def test_original_env_names_are_accepted(self, monkeypatch, tmp_path):
        monkeypatch.setenv("JWT_SECRET", "s" * 40)
        monkeypatch.setenv("CORS_ORIGINS", " https://A.example , http://b.example ")
        monkeypatch.setenv("COOKIE_SECURE", "Yes")
        settings = Settings(data_dir=tmp_path)
        assert settings.signing_secret == "s" * 40
        assert settings.cors_origin_list == {"https://a.example", "http://b.example"}
        assert settings.cookie_secure is True


class TestDatabaseUrl:
    def test_defaults_to_sqlite_in_the_data_dir(self, tmp_path, monkeypatch):
        monkeypatch.delenv("ACELAB_DATABASE_URL", raising=False)
        url = Settings(data_dir=tmp_path).sqlalchemy_url
        assert url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/acelab.db"

    def test_postgres_urls_use_asyncpg(self):
        assert Settings(database_url="postgres://u@h/db").sqlalchemy_url == "postgresql+asyncpg://u@h/db"
        assert Settings(database_url="postgresql://u@h/db").sqlalchemy_url == "postgresql+asyncpg://u@h/db"
