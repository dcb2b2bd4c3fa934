"""Who is on the other end: the client address (trusting forwarding headers only from configured
proxies, ace.md §16.1 S8) and the user agent."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request


@dataclass(frozen=True)
class ClientInfo:
    ip: str
    user_agent: str


def client_info(request: Request, trusted_proxies: frozenset[str]) -> ClientInfo:
    """Return the caller's address and user agent."""
    peer = request.client.host if request.client else ""
    ip = peer
    if peer in trusted_proxies:
        hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
        # The rightmost address not added by one of our proxies is the client.
        for hop in reversed(hops):
            ip = hop
            if hop not in trusted_proxies:
                break
    return ClientInfo(ip=ip, user_agent=request.headers.get("user-agent", "").strip()[:512])


async def get_client(request: Request) -> ClientInfo:
    trusted: frozenset[str] = request.app.state.settings.trusted_proxy_list
    return client_info(request, trusted)


Client = Annotated[ClientInfo, Depends(get_client)]
