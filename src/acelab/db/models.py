"""Every domain's tables, imported in one place for Alembic's autogenerate and `alembic check`."""

from acelab.admin import models as admin_models
from acelab.catalog import models as catalog_models
from acelab.coding.activities import models as activity_models
from acelab.coding.profile import models as profile_models
from acelab.coding.sessions import models as coding_sessions_models
from acelab.db.base import Base
from acelab.exams import models as exams_models
from acelab.identity import models as identity_models
from acelab.judge import models as judge_models
from acelab.practice import models as practice_models
from acelab.questions import models as questions_models

__all__ = [
    "Base",
    "activity_models",
    "profile_models",
    "admin_models",
    "catalog_models",
    "coding_sessions_models",
    "exams_models",
    "identity_models",
    "judge_models",
    "practice_models",
    "questions_models",
]
