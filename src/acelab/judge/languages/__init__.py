"""Language registry: an explicit dict (STYLE.md 16)."""

from acelab.judge.languages.base import CODEMM_TESTS, InvalidSubmission, Language
from acelab.judge.languages.cpp import Cpp
from acelab.judge.languages.java import Java
from acelab.judge.languages.python import Python
from acelab.judge.languages.sql import Sql

LANGUAGES: dict[str, type[Language]] = {
    "python": Python,
    "cpp": Cpp,
    "sql": Sql,
    "java": Java,
}

__all__ = ["CODEMM_TESTS", "LANGUAGES", "InvalidSubmission", "Language"]
