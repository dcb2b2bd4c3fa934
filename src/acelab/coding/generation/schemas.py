"""Wire shape of `POST /sessions/:id/generate` (codemm.md §6.6)."""

from typing import Annotated

from pydantic import StringConstraints

from acelab.http.wire import AceModel, CodemmRequest


class GenerateRead(AceModel):
    activity_id: str
    problem_count: int


class AiEditIn(CodemmRequest):
    instruction: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
