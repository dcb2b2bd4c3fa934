"""Where drafts come from: the offline library or an LLM, behind one interface (codemm.md §10.2-10.3).

A source returns a *validated* draft for a slot and attempt, or raises ContractError (the draft
breaks the problem contract: the next attempt repairs it) or any other error (the next attempt
starts afresh). Both sources go through the same validation and sandbox verification.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from acelab.coding.generation.contract import ContractError, ValidatedDraft, validate_draft
from acelab.coding.generation.slots import ProblemSlot
from acelab.coding.offline import draft_problem

# §10.2: the scenario pool that keeps the problems of one run apart.
DOMAINS = (
    "smart home", "music streaming", "food delivery", "event ticketing", "fitness tracking",
    "space mission control", "hotel booking", "ride sharing", "online marketplace", "photo organizer",
    "recipe planner", "study planner", "inventory management", "movie recommendations",
    "package shipping", "language learning", "restaurant reservations", "weather alerts",
    "customer support", "game matchmaking",
)  # fmt: skip


class InvalidDraft(ContractError):
    """A generator's raw answer broke the contract; the raw text goes into the repair prompt."""

    def __init__(self, message: str, *, raw: str) -> None:
        super().__init__(message)
        self.raw = raw


@dataclass(frozen=True, slots=True)
class Diversity:
    domain: str
    avoid_domains: tuple[str, ...]
    avoid_titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Repair:
    """What the previous attempt left for the next one to fix (§10.6)."""

    error: str
    previous_raw: str = ""
    previous_draft: dict[str, Any] | None = None
    judge_stdout: str = ""
    judge_stderr: str = ""


@dataclass(frozen=True, slots=True)
class Attempt:
    number: int  # 1..3
    diversity: Diversity
    repair: Repair | None = None


class DraftSource(Protocol):
    async def draft(self, slot: ProblemSlot, attempt: Attempt) -> ValidatedDraft: ...


def _fnv1a(text: str) -> int:
    """32-bit FNV-1a with a signed multiply, as the original computes its domain index."""
    h = 2166136261
    for byte in text.encode():
        h ^= byte
        h = (h * 16777619) & 0xFFFFFFFF
    return abs(h - (1 << 32) if h >= 1 << 31 else h)


@dataclass
class DiversityPlanner:
    """Picks each slot's scenario domain: deterministic per slot, never reused within a run."""

    used_domains: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    def next_for(self, slot: ProblemSlot) -> Diversity:
        seed = f"{slot.language}:{slot.difficulty}:{','.join(slot.topics)}:{slot.index}"
        start = _fnv1a(seed) % len(DOMAINS)
        ordered = DOMAINS[start:] + DOMAINS[:start]
        domain = next((d for d in ordered if d not in self.used_domains), ordered[0])
        diversity = Diversity(domain, tuple(self.used_domains[-4:]), tuple(self.titles[-4:]))
        self.used_domains.append(domain)
        return diversity

    def done(self, title: str) -> None:
        self.titles.append(title)


class OfflineDrafts:
    """The built-in library: the embedded default when no LLM is configured. Repeated requests vary
    (a fresh random stream per generate call); a retry draws another variant."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random()

    async def draft(self, slot: ProblemSlot, attempt: Attempt) -> ValidatedDraft:
        return validate_draft(draft_problem(slot, self.rng), slot)
