"""The question bank's fixture: an exam package the banks link to (the cast is in tests/api/conftest.py)."""

import pytest

from acelab.catalog.models import ExamPackage
from acelab.db.engine import Database
from tests.factories import make_exam_package


@pytest.fixture
async def package(db: Database) -> ExamPackage:
    return await make_exam_package(db)
