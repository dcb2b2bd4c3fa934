"""Practice errors, with the contract's exact texts (ace.md §6, §7)."""

from acelab.errors import BadRequest, Conflict, Forbidden, NotFound


class TemplateNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("template not found")


class TemplateFieldsRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("examPackageId, name, and section are required")


class TemplateNotCreated(BadRequest):
    """An unknown package, topic or difficulty (ace.md §6.4)."""

    def __init__(self) -> None:
        super().__init__("failed to create template")


class TemplateNotUpdated(BadRequest):
    """An unknown topic or difficulty (ace.md §6.5)."""

    def __init__(self) -> None:
        super().__init__("failed to update template")


class TemplateNotPublished(Forbidden):
    def __init__(self) -> None:
        super().__init__("template is not published")


class NotEnrolled(Forbidden):
    def __init__(self) -> None:
        super().__init__("not enrolled")


class NoQuestionsAvailable(BadRequest):
    def __init__(self) -> None:
        super().__init__("no published questions available for this package")


class InvalidStatus(BadRequest):
    def __init__(self) -> None:
        super().__init__("invalid status")


class SessionNotFound(NotFound):
    """Also what a student gets for another student's session (ace.md §7.5)."""

    def __init__(self) -> None:
        super().__init__("session not found")


class PauseNeedsUntimed(BadRequest):
    def __init__(self) -> None:
        super().__init__("pause is only available for untimed sessions")


class ResumeNeedsUntimed(BadRequest):
    def __init__(self) -> None:
        super().__init__("resume is only available for untimed sessions")


class SessionFinished(BadRequest):
    def __init__(self) -> None:
        super().__init__("session is finished")


class SessionNotPaused(BadRequest):
    def __init__(self) -> None:
        super().__init__("session is not paused")


class SessionNotActive(BadRequest):
    def __init__(self) -> None:
        super().__init__("session not active")


class SessionComplete(BadRequest):
    def __init__(self) -> None:
        super().__init__("session is complete")


class TimeIsUp(BadRequest):
    def __init__(self) -> None:
        super().__init__("time is up")


class QuestionIdMismatch(BadRequest):
    def __init__(self) -> None:
        super().__init__("questionId mismatch")


class InvalidChoice(BadRequest):
    def __init__(self) -> None:
        super().__init__("invalid choice")


class ReviewNeedsFinished(BadRequest):
    def __init__(self) -> None:
        super().__init__("review is only available for finished sessions")


class SessionBusy(Conflict):
    """The session kept changing under a request (answers, pause and resume racing each other)."""

    def __init__(self) -> None:
        super().__init__("session changed, try again")
