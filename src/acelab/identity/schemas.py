"""Wire shapes of the auth routes (ace.md §4, codemm.md §3) and of identity administration (§11.7-11.10)."""

from pydantic import Field

from acelab.http.wire import AceModel, AceRequest, AceTime


class LoginIn(AceRequest):
    email: str = ""
    password: str = ""


class RegisterIn(AceRequest):
    email: str = ""
    password: str = ""


class UserRead(AceModel):
    id: str
    email: str
    role: str
    created_at: AceTime


class AuthResponse(AceModel):
    access_token: str
    user: UserRead


class SharedLoginIn(AceRequest):
    """ACE sends `email`; Codemm sends `username`, which may hold a username or an email."""

    email: str = ""
    username: str = ""
    password: str = ""


class SharedRegisterIn(AceRequest):
    email: str = ""
    password: str = ""
    username: str | None = Field(None, description="Codemm clients only; 3-32 of A-Z a-z 0-9 . _ -")
    display_name: str | None = None


class SharedUserRead(AceModel):
    """The union of the ACE User and the Codemm user."""

    id: str
    email: str
    role: str
    created_at: AceTime
    username: str
    display_name: str


class SharedAuthResponse(AceModel):
    message: str
    token: str = Field(description="Codemm: long-lived bearer token (7 days) bound to the auth session")
    access_token: str = Field(description="ACE: 15-minute access token (also set as the ace_access cookie)")
    user: SharedUserRead


class AdminUserRead(AceModel):
    id: str
    email: str
    role: str
    created_at: AceTime
    updated_at: AceTime
    deleted_at: AceTime | None = None


class AdminUserCreate(AceRequest):
    email: str = ""
    password: str = ""
    role: str = ""


class AdminUserUpdate(AceRequest):
    email: str | None = None
    password: str | None = None
    role: str | None = None


class AuthSessionRead(AceModel):
    id: str
    role: str
    audience: str
    ip: str
    user_agent: str
    created_at: AceTime
    last_seen_at: AceTime
    expires_at: AceTime
    revoked_at: AceTime | None = None
    revoked_reason: str


class SessionLimitRead(AceModel):
    effective_max_active_sessions: int
    user_max_active_sessions: int | None = None
    group_max_active_sessions: int | None = None
    role_max_active_sessions: int | None = None


class SessionLimitUpdate(AceRequest):
    max_active_sessions: int | None = None


class GroupRead(AceModel):
    id: str
    name: str
    max_active_sessions: int | None = None


class GroupList(AceModel):
    items: list[GroupRead]


class GroupCreate(AceRequest):
    name: str = ""
    max_active_sessions: int | None = None


class GroupUpdate(AceRequest):
    name: str | None = None
    max_active_sessions: int | None = None


class MemberAdd(AceRequest):
    user_id: str = ""
