"""LLM settings (codemm.md §1): the originals' variable names, blank values, secrets that never print."""

import pytest
from pydantic import ValidationError

from acelab.config import Settings


class TestProviderName:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("openai", "openai"),
            ("OAI", "openai"),
            ("anthropic", "anthropic"),
            (" claude ", "anthropic"),
            ("gemini", "gemini"),
            ("google", "gemini"),
            ("auto", "auto"),
            ("mistral", "auto"),
            ("", "auto"),
        ],
    )
    def test_codex_provider_names(self, monkeypatch, value, expected):
        monkeypatch.setenv("CODEX_PROVIDER", value)
        assert Settings().llm_provider == expected

    def test_codemm_llm_provider_is_read_only_without_codex_provider(self, monkeypatch):
        monkeypatch.setenv("CODEMM_LLM_PROVIDER", "gemini")
        assert Settings().llm_provider == "gemini"
        monkeypatch.setenv("CODEX_PROVIDER", "claude")
        assert Settings().llm_provider == "anthropic"

    def test_default_is_auto(self):
        assert Settings().llm_provider == "auto"


class TestKeys:
    def test_codex_api_key_comes_before_openai_api_key(self, monkeypatch):
        monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
        assert Settings().openai_api_key.get_secret_value() == "sk-openai"
        monkeypatch.setenv("CODEX_API_KEY", "sk-codex")
        assert Settings().openai_api_key.get_secret_value() == "sk-codex"

    def test_gemini_api_key_comes_before_google_api_key(self, monkeypatch):
        monkeypatch.setenv("GOOGLE_API_KEY", "g-google")
        assert Settings().gemini_api_key.get_secret_value() == "g-google"
        monkeypatch.setenv("GEMINI_API_KEY", "g-gemini")
        assert Settings().gemini_api_key.get_secret_value() == "g-gemini"

    def test_keys_are_trimmed_and_blank_ones_are_absent(self, monkeypatch):
        monkeypatch.setenv("ANTHROPIC_API_KEY", "  sk-ant-1 \n")
        monkeypatch.setenv("CODEX_API_KEY", "   ")
        monkeypatch.setenv("GEMINI_MODEL", "")
        settings = Settings()
        assert settings.anthropic_api_key.get_secret_value() == "sk-ant-1"
        assert settings.openai_api_key is None
        assert settings.gemini_model is None

    def test_secrets_never_print(self, monkeypatch):
        secrets = {
            "CODEX_API_KEY": "sk-secret-openai",
            "ANTHROPIC_API_KEY": "sk-secret-anthropic",
            "GOOGLE_API_KEY": "secret-gemini",
            "CODEMM_USER_KEY_ENCRYPTION_KEY": "ab" * 32,
        }
        for name, value in secrets.items():
            monkeypatch.setenv(name, value)
        settings = Settings()
        shown = repr(settings) + str(settings) + settings.model_dump_json()
        for value in secrets.values():
            assert value not in shown
        assert settings.user_key_encryption_key.get_secret_value() == "ab" * 32


class TestModelsAndUrls:
    def test_the_original_names_are_read(self, monkeypatch):
        env = {
            "CODEX_BASE_URL": "http://localhost:11434/v1",
            "CODEX_MODEL": "llama3.1:8b",
            "ANTHROPIC_MODEL": "claude-x",
            "ANTHROPIC_BASE_URL": "https://proxy.example",
            "ANTHROPIC_VERSION": "2024-01-01",
            "GEMINI_MODEL": "gemini-test",
            "GEMINI_BASE_URL": "https://gemini.example/v1beta",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        s = Settings()
        assert (s.openai_base_url, s.openai_model) == ("http://localhost:11434/v1", "llama3.1:8b")
        assert (s.anthropic_model, s.anthropic_base_url, s.anthropic_version) == (
            "claude-x",
            "https://proxy.example",
            "2024-01-01",
        )
        assert (s.gemini_model, s.gemini_base_url) == ("gemini-test", "https://gemini.example/v1beta")


class TestTimeoutsAndRetries:
    def test_defaults(self):
        assert (Settings().llm_timeout_s, Settings().llm_max_retries) == (120.0, 2)

    def test_env(self, monkeypatch):
        monkeypatch.setenv("ACELAB_LLM_TIMEOUT_S", "45.5")
        monkeypatch.setenv("ACELAB_LLM_MAX_RETRIES", "0")
        assert (Settings().llm_timeout_s, Settings().llm_max_retries) == (45.5, 0)

    @pytest.mark.parametrize(
        ("name", "value"), [("ACELAB_LLM_TIMEOUT_S", "0"), ("ACELAB_LLM_MAX_RETRIES", "-1")]
    )
    def test_invalid_values_are_refused(self, monkeypatch, name, value):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValidationError):
            Settings()
