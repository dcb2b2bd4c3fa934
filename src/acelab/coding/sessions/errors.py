"""Session errors with the contract's exact texts (codemm.md §6), and the ones our fixes add."""

from acelab.errors import BadRequest, Conflict, Forbidden, NotFound, RateLimited


class SessionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Session not found.")


class MessageRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("message is required string.")


class MessagesClosed(Conflict):
    def __init__(self, state: str) -> None:
        super().__init__(f"Cannot post messages when session state is {state}.")


class InvalidTransition(Conflict):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"Invalid session state transition: {current} -> {target}")


class GenerateNotReady(Conflict):
    def __init__(self, state: str) -> None:
        super().__init__(f"Cannot generate when session state is {state}. Expected READY.")


class AlreadyGenerated(Conflict):
    def __init__(self) -> None:
        super().__init__("Session already produced an activity. Cannot re-generate.")


# --- beyond the contract -----------------------------------------------------------------------


class MessageTooLong(BadRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(f"message must be at most {limit} characters.")


class NotYourSession(Forbidden):
    """codemm.md §17.1 item 6: a session belongs to its creator (a user, or the holder of its token)."""

    def __init__(self) -> None:
        super().__init__("You do not have access to this session.")


class TurnInProgress(Conflict):
    """§17.2 item 12: one message at a time per session."""

    def __init__(self) -> None:
        super().__init__("The previous message to this session is still being processed. Try again shortly.")


class TurnSuperseded(Conflict):
    def __init__(self) -> None:
        super().__init__("The session changed while your message was being processed. Please send it again.")


class ChatRateLimited(RateLimited):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"Too many messages. Try again in {retry_after_s} seconds.", retry_after_s=retry_after_s
        )
