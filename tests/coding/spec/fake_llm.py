"""A scripted LLM provider: the dialogue's only external edge (STYLE.md 23), no network."""

import json
from typing import Any

from acelab.coding.llm.base import CompletionRequest


def reply(patch: dict[str, Any], acknowledgement: str = "Sounds fun.", intent: str = "Build it.") -> str:
    """An answer in the dialogue's shape (§8.3)."""
    return json.dumps({"acknowledgement": acknowledgement, "inferred_intent": intent, "proposedPatch": patch})


class FakeLlm:
    """Answers each call with the next scripted answer (the last one repeats); an exception is raised."""

    name = "fake"

    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[CompletionRequest] = []

    async def complete(self, request: CompletionRequest) -> str:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer
