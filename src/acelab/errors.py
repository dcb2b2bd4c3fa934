"""One error base class: every expected failure is an AppError with its HTTP status.

`message` is the ACE text (`{"message"}`), `codemm_message` the Codemm text (`{"error"}`); routes
served to both clients render both. The dialect is chosen per router in `acelab.http.errors`.
"""


class AppError(Exception):
    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        codemm_message: str | None = None,
        codemm_status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.codemm_message = codemm_message or message
        self.codemm_status_code = codemm_status_code or self.status_code
        self.headers = headers


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class RateLimited(AppError):
    status_code = 429

    def __init__(self, message: str, *, retry_after_s: int, codemm_message: str | None = None) -> None:
        super().__init__(
            message,
            codemm_message=codemm_message,
            headers={"Retry-After": str(max(1, retry_after_s))},
        )
        self.retry_after_s = retry_after_s


class ServiceUnavailable(AppError):
    """The service cannot take this request now (a full queue, a judge that could not start)."""

    status_code = 503

    def __init__(self, message: str, *, retry_after_s: int | None = None) -> None:
        headers = {"Retry-After": str(max(1, retry_after_s))} if retry_after_s is not None else None
        super().__init__(message, headers=headers)
        self.retry_after_s = retry_after_s
