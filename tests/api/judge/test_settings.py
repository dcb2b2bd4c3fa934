"""Judge settings: the contract's timeout variables and the limit overrides."""

import pytest

from acelab.config import Settings
from acelab.judge.service import judge_limits


class TestTimeoutVariables:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("20000", 20_000),
            ("1234.9", 1234),
            ("99999", 30_000),
            ("0", 15_000),
            ("-5", 15_000),
            ("abc", 15_000),
        ],
    )
    def test_judge_timeout_ms_is_parsed_as_the_contract_says(self, monkeypatch, raw, expected):
        monkeypatch.setenv("JUDGE_TIMEOUT_MS", raw)
        assert Settings().judge_timeout_ms == expected

    @pytest.mark.parametrize(
        ("raw", "expected"), [("5000", 5_000), ("31000", 30_000), ("nan", 8_000), ("", 8_000)]
    )
    def test_run_timeout_ms_is_parsed_as_the_contract_says(self, monkeypatch, raw, expected):
        monkeypatch.setenv("CODEMM_RUN_TIMEOUT_MS", raw)
        assert Settings().run_timeout_ms == expected

    def test_timeouts_become_the_wall_limits_of_their_stages(self):
        limits = judge_limits(Settings(judge_timeout_ms=12_000, run_timeout_ms=4_000), "python")
        assert (limits.grade.wall_ms, limits.run.wall_ms) == (12_000, 4_000)


class TestLimitOverrides:
    def test_language_overrides_win_over_the_wildcard(self, monkeypatch):
        monkeypatch.setenv(
            "ACELAB_JUDGE_LIMITS",
            '{"*": {"grade": {"memory_mib": 300}}, "java": {"grade": {"memory_mib": 900}}}',
        )
        settings = Settings()
        assert judge_limits(settings, "java").grade.memory_mib == 900
        assert judge_limits(settings, "python").grade.memory_mib == 300

    def test_unknown_limit_is_refused(self):
        with pytest.raises(ValueError, match="unknown judge limit"):
            judge_limits(Settings(judge_limits={"*": {"run": {"memory": 1}}}), "python")

    def test_sandbox_mode_defaults_to_bwrap_and_accepts_unsafe_dev(self, monkeypatch):
        assert Settings().sandbox == "bwrap"
        monkeypatch.setenv("ACELAB_SANDBOX", "unsafe-dev")
        assert Settings().sandbox == "unsafe-dev"

    def test_judge_roots_default_under_the_data_dir(self, tmp_path):
        settings = Settings(data_dir=tmp_path)
        assert settings.judge_work_dir == tmp_path / "judge" / "work"
        assert settings.judge_cache_dir == tmp_path / "judge" / "cache"
