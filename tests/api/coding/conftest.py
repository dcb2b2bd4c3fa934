"""Codemm API fixtures: submissions in these tests are graded by the real judge."""

import pytest

from acelab.config import Settings
from tests.api.judge.conftest import with_test_judge


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_test_judge(settings)
