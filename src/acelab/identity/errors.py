"""Identity errors, with the contracts' exact texts (ace.md §2, §4, §11.7-11.10; codemm.md §2.1, §3)."""

from acelab.errors import BadRequest, Conflict, Forbidden, NotFound, RateLimited, Unauthorized


class MissingAuthorization(Unauthorized):
    def __init__(self) -> None:
        super().__init__("missing authorization", codemm_message="Access token required")


class InvalidAuthorization(Unauthorized):
    def __init__(self) -> None:
        super().__init__("invalid authorization", codemm_message="Access token required")


class InvalidToken(Unauthorized):
    def __init__(self) -> None:
        super().__init__("invalid token", codemm_message="Invalid or expired token", codemm_status_code=403)


class SessionNotValid(Unauthorized):
    """The token's auth session is revoked or expired, or its user was deleted or changed role."""

    def __init__(self) -> None:
        super().__init__("unauthorized", codemm_message="Invalid or expired token", codemm_status_code=403)


class WrongPortal(Forbidden):
    def __init__(self) -> None:
        super().__init__("forbidden")


class InvalidCredentials(Unauthorized):
    def __init__(self) -> None:
        super().__init__("invalid credentials", codemm_message="Invalid username or password")


class CredentialsRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            "email and password are required", codemm_message="Username and password are required"
        )


class RegistrationFieldsRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            "email and password are required", codemm_message="Username, email, and password are required"
        )


class InvalidEmail(BadRequest):
    def __init__(self) -> None:
        super().__init__("invalid email", codemm_message="Invalid email address")


class InvalidUsername(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            "invalid username",
            codemm_message="Username must be 3-32 letters, digits, dots, dashes or underscores",
        )


class AlreadyRegistered(BadRequest):
    def __init__(self) -> None:
        # One text for a taken email and a taken username: no more enumeration than registering implies.
        super().__init__(
            "user already exists or invalid", codemm_message="Username or email already registered"
        )


class TooManyFailedLogins(RateLimited):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            "too many failed login attempts, try again later",
            retry_after_s=retry_after_s,
            codemm_message="Too many failed login attempts, try again later",
        )


class UserNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("user not found", codemm_message="User not found")


class InvalidRole(BadRequest):
    def __init__(self) -> None:
        super().__init__("invalid role")


class EmailAlreadyExists(Conflict):
    def __init__(self) -> None:
        super().__init__("email already exists")


class EmailCannotBeEmpty(BadRequest):
    def __init__(self) -> None:
        super().__init__("email cannot be empty")


class PasswordCannotBeEmpty(BadRequest):
    def __init__(self) -> None:
        super().__init__("password cannot be empty")


class NoUpdates(BadRequest):
    def __init__(self) -> None:
        super().__init__("no updates")


class AuthSessionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("session not found")


class GroupNameRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("name is required")


class GroupNameCannotBeEmpty(BadRequest):
    def __init__(self) -> None:
        super().__init__("name cannot be empty")


class GroupNameExists(Conflict):
    def __init__(self) -> None:
        super().__init__("group name already exists")


class GroupNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("group not found")


class UserIdRequired(BadRequest):
    def __init__(self) -> None:
        super().__init__("userId is required")


class FailedToAddMember(BadRequest):
    def __init__(self) -> None:
        super().__init__("failed to add member")


class FailedToSetUserLimit(BadRequest):
    def __init__(self) -> None:
        super().__init__("failed to set user limit")
