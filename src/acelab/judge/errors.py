"""Judge errors with the contract's exact texts (codemm.md §13.7 /run, §13.8 /submit)."""

from acelab.errors import AppError, BadRequest, ServiceUnavailable


class InvalidLanguage(BadRequest):
    def __init__(self) -> None:
        super().__init__("Invalid language.")


class LanguageNotRunnable(BadRequest):
    def __init__(self, language: str) -> None:
        super().__init__(f'Language "{language}" is not supported for /run yet.')


class StdinNotString(BadRequest):
    def __init__(self) -> None:
        super().__init__("stdin must be a string.")


class StdinTooLong(BadRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(f"stdin exceeds maximum length of {limit} characters.")


class FilesEmpty(BadRequest):
    def __init__(self) -> None:
        super().__init__("files must be a non-empty object.")


class TooManyFiles(BadRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Too many files. Max is {limit}.")


class InvalidFilename(BadRequest):
    def __init__(self, name: str, pattern: str) -> None:
        # The regex is printed in JavaScript /…/ notation, as the original does.
        super().__init__(f'Invalid filename "{name}". Must match /{pattern}/.')


class FileContentEmpty(BadRequest):
    def __init__(self, name: str) -> None:
        super().__init__(f'File "{name}" must be a non-empty string.')


class TotalCodeTooLong(BadRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Total code exceeds maximum length of {limit} characters.")


class CodeTooLong(BadRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Code exceeds maximum length of {limit} characters.")


class EntryFileRequired(BadRequest):
    def __init__(self, language_label: str, route: str, name: str) -> None:
        super().__init__(f'{language_label} {route} requires a "{name}" file.')


class CodeOrFilesRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("Provide either code (string) or files (object).")


class TestSuiteRequired(BadRequest):
    __test__ = False

    def __init__(self) -> None:
        super().__init__("testSuite is required for graded execution. Use /run for code-only execution.")


class ForbiddenFile(BadRequest):
    def __init__(self, name: str) -> None:
        super().__init__(f'files must not include "{name}".')


class CppExtraSources(BadRequest):
    def __init__(self, names: list[str]) -> None:
        super().__init__(
            f'C++ /submit supports "solution.cpp" plus optional headers only. Remove: {", ".join(names)}'
        )


class SqlExtraFiles(BadRequest):
    def __init__(self, names: list[str]) -> None:
        super().__init__(f"SQL /submit supports only solution.sql. Remove: {', '.join(names)}")


class CodeRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("code is required non-empty string.")


# --- beyond the contract -----------------------------------------------------------------------


class NotUtf8(BadRequest):
    """A string that cannot be written as UTF-8 (a lone surrogate from a `\\ud800` JSON escape)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} must be valid UTF-8 text.")


class SubmissionRefused(BadRequest):
    """Files the sandboxed judge refuses (names that would shadow the harness, a package line)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Submission refused: {reason}.")


class LanguageMismatch(BadRequest):
    def __init__(self, language: str, stored: str) -> None:
        super().__init__(f'Language "{language}" does not match the problem\'s language "{stored}".')


class JudgeUnavailable(ServiceUnavailable):
    def __init__(self, reason: str) -> None:
        super().__init__(f"The judge is unavailable: {reason}", retry_after_s=60)


class RunFailed(AppError):
    status_code = 500

    def __init__(self) -> None:
        super().__init__("Failed to run code.")


class JudgeFailed(AppError):
    status_code = 500

    def __init__(self) -> None:
        super().__init__("Failed to judge submission.")
