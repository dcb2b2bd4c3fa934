"""Every domain's tables, imported in one place for Alembic's autogenerate and `alembic check`."""

from acelab.admin import models as admin_models
from acelab.db.base import Base
from acelab.identity import models as identity_models
from acelab.judge import models as judge_models

__all__ = ["Base", "admin_models", "identity_models", "judge_models"]
