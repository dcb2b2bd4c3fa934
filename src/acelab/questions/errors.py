"""Question bank errors, with the contract's texts where it has one (ace.md §9, §10)."""

from acelab.errors import BadRequest, Conflict, Forbidden, NotFound


class QuestionBankNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("question bank not found")


class TopicNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("topic not found")


class DifficultyNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("difficulty not found")


class QuestionNotFound(NotFound):
    """Also what an instructor gets for another author's question (ace.md §9.20-9.24)."""

    def __init__(self) -> None:
        super().__init__("question not found")


class AdminOnly(Forbidden):
    """`publish` is an admin action even on the instructor path (ace.md §9.23)."""

    def __init__(self) -> None:
        super().__init__("forbidden")


class Invalid(BadRequest):
    """A field that fails validation; the message names it."""


class UnknownExamPackage(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown exam package")


class UnknownQuestionBank(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown question bank")


class UnknownTopic(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown topic")


class UnknownDifficulty(BadRequest):
    def __init__(self) -> None:
        super().__init__("unknown difficulty")


class DuplicateBankName(BadRequest):
    # ace.md §9.7/9.9 answer a duplicate with 400; the text says why.
    def __init__(self) -> None:
        super().__init__("a question bank with this name already exists for this exam package")


class DuplicateTopicName(BadRequest):
    def __init__(self) -> None:
        super().__init__("a topic with this name already exists in this question bank")


class NoFieldsToUpdate(BadRequest):
    def __init__(self) -> None:
        super().__init__("no fields to update")


class NoUpdates(BadRequest):
    def __init__(self) -> None:
        super().__init__("no updates")


class InvalidTransition(Conflict):
    """ace.md §10 Fix: the review workflow has a transition graph; the original accepted anything."""

    def __init__(self, *, action: str, status: str) -> None:
        super().__init__(f"cannot {action} a question whose status is {status}")
