"""Wire shapes of /run and /submit (codemm.md §13.7, §13.8) plus the additive judge fields.

Request fields are typed loosely on purpose: the contract answers a wrong type with its own message
(`stdin must be a string.`), which the service produces; the OpenAPI document shows the real types.
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, WithJsonSchema
from pydantic.alias_generators import to_camel

LANGUAGE_NAMES = ["java", "python", "cpp", "sql"]


Language = Annotated[
    JsonValue,
    WithJsonSchema({"type": "string", "enum": LANGUAGE_NAMES, "description": "Language of the code."}),
]
Files = Annotated[
    JsonValue,
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Files mode: file name to source; names follow the language's pattern (no paths).",
        }
    ),
]


class JudgeRequest(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class RunIn(JudgeRequest):
    language: Language = None
    code: Annotated[JsonValue, WithJsonSchema({"type": "string", "description": "Code mode source."})] = None
    files: Files = None
    main_class: Annotated[
        JsonValue, WithJsonSchema({"type": "string", "description": "Java: the class whose main() runs."})
    ] = None
    stdin: Annotated[JsonValue, WithJsonSchema({"type": "string", "description": "Program input."})] = None


class SubmitIn(JudgeRequest):
    language: Annotated[
        JsonValue, WithJsonSchema({"type": "string", "enum": LANGUAGE_NAMES, "default": "java"})
    ] = None
    test_suite: Annotated[
        JsonValue, WithJsonSchema({"type": "string", "description": "The suite to grade with."})
    ] = None
    code: Annotated[JsonValue, WithJsonSchema({"type": "string", "description": "Code mode source."})] = None
    files: Files = None
    activity_id: Annotated[JsonValue, WithJsonSchema({"type": "string"})] = None
    problem_id: Annotated[JsonValue, WithJsonSchema({"type": "string"})] = None


class JudgeResponse(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


class TimingsRead(JudgeResponse):
    queue_ms: int = Field(description="Time spent waiting for a judge worker.")
    sandbox_ms: int = Field(description="Wall time inside the sandbox (compile and run stages).")
    cpu_ms: int = Field(description="CPU time used by the sandboxed processes.")
    total_ms: int = Field(description="Time from accepting the request to the verdict.")


class RunRead(JudgeResponse):
    stdout: str
    stderr: str
    verdict: str | None = Field(None, description="accepted means compiled and exited 0.")
    exit_code: int | None = None
    timed_out: bool | None = None
    compile_output: str | None = None
    timings: TimingsRead | None = None


class TestRead(JudgeResponse):
    __test__ = False

    name: str
    status: str
    time_ms: int
    message: str


class SubmitRead(JudgeResponse):
    success: bool
    passed_tests: list[str]
    failed_tests: list[str]
    stdout: str
    stderr: str
    execution_time_ms: int
    exit_code: int | None = None
    timed_out: bool | None = None
    verdict: str | None = None
    compile_output: str | None = None
    tests: list[TestRead] | None = None
    timings: TimingsRead | None = None
