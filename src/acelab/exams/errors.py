"""Exam errors: the contract's exact texts for the ACE routes (ace.md §8, §11.11-11.13) and clear
texts for the server-authoritative attempts and blueprints."""

from acelab.errors import AppError, BadRequest, Conflict, Forbidden, NotFound


class PayloadTooLarge(AppError):
    status_code = 413


class InvalidStatus(BadRequest):
    def __init__(self) -> None:
        super().__init__("invalid status")


class SessionIdTooLong(BadRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(f"sessionId must be at most {limit} characters")


class SessionNotFound(NotFound):
    """Also what a student gets for another student's session (ace.md §8.4)."""

    def __init__(self) -> None:
        super().__init__("session not found")


class SessionIdMismatch(BadRequest):
    def __init__(self) -> None:
        super().__init__("sessionId mismatch")


class SessionNotActive(Conflict):
    """A heartbeat for a finished, terminated or invalidated session (ace.md §8.3)."""

    def __init__(self) -> None:
        super().__init__("session is not active")


class PackageMismatch(Conflict):
    def __init__(self) -> None:
        super().__init__("examPackageId mismatch")


class EventTypeRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("eventType is required")


class EventTypeInvalid(BadRequest):
    def __init__(self) -> None:
        super().__init__("eventType must be at most 64 printable characters")


class EventTypeReserved(BadRequest):
    """Server and admin entries share the timeline; a client may not forge them."""

    def __init__(self) -> None:
        super().__init__("eventType is reserved")


class FlagTypeRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("flagType is required")


class SnapshotTooLarge(PayloadTooLarge):
    def __init__(self) -> None:
        super().__init__("snapshot too large")


class EventPayloadTooLarge(PayloadTooLarge):
    def __init__(self) -> None:
        super().__init__("payload too large")


class SessionBusy(Conflict):
    """The session kept changing under a request (the same student's requests racing each other)."""

    def __init__(self) -> None:
        super().__init__("session changed, try again")


# --- attempts ------------------------------------------------------------------------------------


class AttemptNotFound(NotFound):
    """Also what a student gets for another student's attempt."""

    def __init__(self) -> None:
        super().__init__("attempt not found")


class ExamNotFound(NotFound):
    """An unknown blueprint, or one a student may not see (unpublished)."""

    def __init__(self) -> None:
        super().__init__("exam not found")


class NotEnrolled(Forbidden):
    def __init__(self) -> None:
        super().__init__("not enrolled")


class NoAttemptsLeft(Conflict):
    def __init__(self) -> None:
        super().__init__("no attempts left")


class NotEnoughQuestions(Conflict):
    def __init__(self) -> None:
        super().__init__("not enough published questions for this exam")


class TimeIsUp(Conflict):
    """Answers after the time limit plus grace; the attempt has been submitted."""

    def __init__(self) -> None:
        super().__init__("time is up")


class AttemptNotActive(Conflict):
    def __init__(self) -> None:
        super().__init__("attempt is not active")


class AttemptInProgress(Conflict):
    def __init__(self) -> None:
        super().__init__("attempt is still in progress")


class AttemptTerminated(Conflict):
    def __init__(self) -> None:
        super().__init__("attempt was terminated")


class AttemptInvalidated(Conflict):
    def __init__(self) -> None:
        super().__init__("attempt was invalidated")


class SeqRequired(BadRequest):
    """Attempts order every save by the client's sequence number."""

    def __init__(self) -> None:
        super().__init__("seq is required")


class AnswersNeedAttempt(BadRequest):
    def __init__(self) -> None:
        super().__init__("answers are only accepted for exam attempts")


class UnknownQuestion(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown question")


class InvalidChoice(BadRequest):
    def __init__(self) -> None:
        super().__init__("invalid choice")


# --- blueprints ----------------------------------------------------------------------------------


class BlueprintInvalid(BadRequest):
    """A blueprint field out of range; the message names it."""


class UnknownPackage(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown package")


class UnknownTopic(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown topic")


class UnknownDifficulty(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown difficulty")
