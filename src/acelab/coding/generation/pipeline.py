"""Generating an activity from a READY session (codemm.md §10.1): plan, run the slots, fall back once,
save the activity. Runs as a job on the generation pool; the session's state, plan and checkpoint
are written in short units of work as it goes, so a crash leaves a resumable checkpoint and the
start-up recovery returns the session to READY.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from acelab import clock
from acelab.coding.activities import service as activity_service
from acelab.coding.generation.contract import ValidatedDraft
from acelab.coding.generation.drafts import DraftSource, OfflineDrafts
from acelab.coding.generation.llm_drafts import LlmDrafts
from acelab.coding.generation.progress import ProgressBus
from acelab.coding.generation.runner import Emit, Outcome, Progress, SlotFailed, SlotRunner
from acelab.coding.generation.scaffold import scaffold
from acelab.coding.generation.slots import ProblemSlot
from acelab.coding.llm.base import LlmError
from acelab.coding.llm.select import LlmProviders
from acelab.coding.planner import GUIDED, plan_activity, plan_json
from acelab.coding.profile import service as profile_service
from acelab.coding.sessions import service as sessions_service
from acelab.coding.spec.model import InvalidActivitySpec, canonical, parse_activity_spec
from acelab.coding.trace import TraceBus
from acelab.config import Settings
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.errors import ServiceUnavailable
from acelab.http.wire import format_iso_ms
from acelab.jobs.queue import JobQueue, LocalPool
from acelab.judge.service import JudgeRuntime

log = logging.getLogger(__name__)

HEARTBEAT_S = 1.0
RECOVER_EVERY_S = 30.0
STALE_AFTER_S = 30.0
# The session row's heartbeat (crash recovery) is written less often than the stream's.
DB_HEARTBEAT_EVERY = 5
PUBLIC_FAILURE = "Generation failed. Please try again."
FALLBACKS = (
    ("problem_style", "Switched to return-based checking for more deterministic testing and higher "
     "solution/test alignment."),
    ("difficulty_plan", "Reduced hard problems to medium to improve generator reliability."),
    ("topic_tags", "Narrowed topic scope to reduce prompt breadth and improve consistency."),
)  # fmt: skip


class GenerationFailed(Exception):
    def __init__(self, message: str, *, slot_index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.slot_index = slot_index


@dataclass(frozen=True, slots=True)
class Generated:
    activity_id: str
    problem_count: int


def soft_fallback(spec: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The first §10.7 rule that applies: (reason, patch), or None."""
    if spec.get("problem_style") != "return":
        return FALLBACKS[0][1], {"problem_style": "return"}
    plan = spec.get("difficulty_plan") or []
    if any(item["difficulty"] == "hard" and item["count"] > 0 for item in plan):
        counts = {"easy": 0, "medium": 0}
        for item in plan:
            counts["medium" if item["difficulty"] == "hard" else item["difficulty"]] += item["count"]
        if sum(1 for c in counts.values() if c) < 2:
            total = sum(counts.values())
            counts = {"easy": 1, "medium": total - 1}
        patched = [{"difficulty": d, "count": c} for d, c in counts.items() if c]
        return FALLBACKS[1][1], {"difficulty_plan": patched}
    tags = spec.get("topic_tags") or []
    if len(tags) > 4:
        return FALLBACKS[2][1], {"topic_tags": tags[:3]}
    return None


class Generator:
    """One per app: turns READY sessions into activities, one job per generate call."""

    def __init__(
        self,
        *,
        db: Database,
        judge: JudgeRuntime,
        pool: JobQueue,
        llm: LlmProviders,
        progress: ProgressBus,
        trace: TraceBus,
    ) -> None:
        self.trace = trace
        self.db = db
        self.judge = judge
        self.pool = pool
        self.llm = llm
        self.progress = progress
        self.recovering: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls, settings: Settings, *, db: Database, judge: JudgeRuntime, llm: LlmProviders, trace: TraceBus
    ) -> Generator:
        """The app's generator: its own pool (generations wait on the judge's), and crash recovery."""
        pool = LocalPool(
            workers=settings.generation_workers, max_pending=settings.generation_queue_size, name="generator"
        )
        await pool.start()
        generator = cls(db=db, judge=judge, pool=pool, llm=llm, progress=ProgressBus(), trace=trace)
        generator.recovering = asyncio.create_task(generator.recover())
        return generator

    async def stop(self) -> None:
        if self.recovering is not None:
            self.recovering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.recovering
        await self.pool.stop()

    async def generate(self, *, session_id: str, user_id: str) -> Generated:
        """Run the generation of a session already moved to GENERATING, on the pool; await it."""
        self.progress.begin_run(session_id)
        try:
            return await self.pool.run(lambda: self._run(session_id, user_id))
        except ServiceUnavailable as exc:  # a full or stopping queue: the session may try again
            async with unit_of_work(self.db, write=True) as session:
                await sessions_service.fail_generation(session, session_id=session_id, error=exc.message)
            raise

    async def recover(self, *, every_s: float = RECOVER_EVERY_S) -> None:
        """Return sessions whose generation stopped beating (a crashed process) to READY, now and then
        every `every_s` (the background task of the app's lifespan)."""
        while True:
            async with unit_of_work(self.db, write=True) as session:
                await sessions_service.recover_interrupted_generations(
                    session, stale_after=timedelta(seconds=STALE_AFTER_S)
                )
            await asyncio.sleep(every_s)

    async def _source(self, user_id: str) -> DraftSource:
        async with unit_of_work(self.db, autocommit=True) as session:
            stored = await profile_service.stored_key(session, user_id=user_id)
        provider = self.llm.select(stored)
        return LlmDrafts(provider) if provider is not None else OfflineDrafts(random.Random())

    async def _run(self, session_id: str, user_id: str) -> Generated:
        def emit(event: dict[str, Any]) -> None:
            self.progress.publish(session_id, event)
            if event["type"] != "heartbeat":
                self.trace.publish(session_id, f"generation.{event['type']}", **event)

        beating = asyncio.create_task(self._heartbeat(session_id))
        try:
            generated = await self._generate(session_id, user_id, emit)
        except Exception as exc:
            message = exc.message if isinstance(exc, GenerationFailed | LlmError) else str(exc)
            if not isinstance(exc, GenerationFailed | LlmError):
                log.exception("generation failed", extra={"session_id": session_id})
            async with unit_of_work(self.db, write=True) as session:
                await sessions_service.fail_generation(session, session_id=session_id, error=message)
            event: dict[str, Any] = {"type": "generation_failed", "error": PUBLIC_FAILURE}
            if isinstance(exc, GenerationFailed) and exc.slot_index is not None:
                event["slotIndex"] = exc.slot_index
            emit(event)
            raise GenerationFailed(message) from exc
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
        emit({"type": "generation_completed", "activityId": generated.activity_id})
        emit({"type": "generation_complete", "activityId": generated.activity_id})
        return generated

    async def _heartbeat(self, session_id: str) -> None:
        beats = 0
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            self.progress.publish(session_id, {"type": "heartbeat", "ts": format_iso_ms(clock.utcnow())})
            beats += 1
            if beats % DB_HEARTBEAT_EVERY == 0:
                async with unit_of_work(self.db, write=True) as session:
                    await sessions_service.record_generation_heartbeat(session, session_id=session_id)

    async def _generate(self, session_id: str, user_id: str, emit: Emit) -> Generated:
        async with unit_of_work(self.db, autocommit=True) as session:
            row = await sessions_service.get_generating(session, session_id=session_id)
            spec_json, mode = dict(row.spec), row.learning_mode
            checkpoint = [p for p in row.problems or [] if isinstance(p.get("id"), str)]
            outcomes = list(row.generation_outcomes)[: len(checkpoint)]
        try:
            spec = parse_activity_spec(spec_json)
        except InvalidActivitySpec as exc:
            raise GenerationFailed(str(exc)) from exc
        mastery = None
        if mode == GUIDED:
            async with unit_of_work(self.db, autocommit=True) as session:
                known = await profile_service.read_mastery(session, user_id=user_id, language=spec.language)
            mastery = known.concepts if known else None
        plan = plan_activity(spec, learning_mode=mode, mastery=mastery)
        async with unit_of_work(self.db, write=True) as session:
            await sessions_service.save_plan(session, session_id=session_id, plan=plan_json(plan))
        emit({"type": "generation_started", "totalSlots": len(plan), "totalProblems": len(plan), "run": 1})
        for index in range(min(len(checkpoint), len(plan))):
            emit({"type": "slot_completed", "slotIndex": index})
        progress = Progress(checkpoint[: len(plan)], [_outcome(o) for o in outcomes][: len(plan)])
        runner = SlotRunner(
            source=await self._source(user_id),
            judge=self.judge,
            emit=emit,
            finish=_finish,
            checkpoint=lambda p: self._checkpoint(session_id, p),
        )
        fallback: str | None = None
        while True:
            try:
                progress = await runner.run(plan, progress)
                break
            except SlotFailed as failure:
                progress.outcomes.append(Outcome(failure.slot_index, False, 2))
                await self._checkpoint(session_id, progress)
                await self._trace(session_id, {"type": "generation_failure", "slotIndex": failure.slot_index,
                                               "kind": failure.kind, "message": failure.message})  # fmt: skip
                applicable = None if fallback else soft_fallback(spec_json)
                if applicable is None:
                    raise GenerationFailed(failure.message, slot_index=failure.slot_index) from failure
                fallback, patch = applicable
                spec_json = canonical({**spec_json, **patch})
                try:
                    spec = parse_activity_spec(spec_json)
                except InvalidActivitySpec as exc:
                    await self._trace(
                        session_id, {"type": "generation_soft_fallback_failed", "reason": fallback}
                    )
                    raise GenerationFailed(failure.message, slot_index=failure.slot_index) from exc
                await self._trace(
                    session_id, {"type": "generation_soft_fallback", "reason": fallback, "patch": patch}
                )
                plan = plan_activity(spec, learning_mode=mode, mastery=mastery)
                async with unit_of_work(self.db, write=True) as session:
                    await sessions_service.replace_spec(
                        session, session_id=session_id, spec=spec_json, patched=list(patch)
                    )
                    await sessions_service.save_plan(session, session_id=session_id, plan=plan_json(plan))
                # As the original: the adjusted spec regenerates every slot.
                progress = Progress()
        if fallback:
            progress.outcomes = [replace(o, applied_fallback=fallback) for o in progress.outcomes]
        await self._checkpoint(session_id, progress)
        async with unit_of_work(self.db, write=True) as session:
            activity = await activity_service.create_activity(
                session, owner_id=user_id, problems=progress.problems
            )
            await sessions_service.complete_generation(
                session, session_id=session_id, activity_id=activity.id
            )
            await sessions_service.append_trace(
                session,
                session_id=session_id,
                entries=[{"ts": format_iso_ms(clock.utcnow()), "type": "generation_outcomes",
                          "outcomes": [o.as_json() for o in progress.outcomes]}],
            )  # fmt: skip
        return Generated(activity.id, len(progress.problems))

    async def _checkpoint(self, session_id: str, progress: Progress) -> None:
        async with unit_of_work(self.db, write=True) as session:
            await sessions_service.save_checkpoint(
                session,
                session_id=session_id,
                problems=progress.problems,
                outcomes=[o.as_json() for o in progress.outcomes],
            )

    async def _trace(self, session_id: str, entry: dict[str, Any]) -> None:
        """Append to the session's intent trace (persisted), and tell the live trace stream."""
        self.trace.publish(session_id, f"generation.{entry['type']}", **entry)
        async with unit_of_work(self.db, write=True) as session:
            await sessions_service.append_trace(
                session, session_id=session_id, entries=[{"ts": format_iso_ms(clock.utcnow()), **entry}]
            )


def _outcome(data: dict[str, Any]) -> Outcome:
    return Outcome(int(data.get("slotIndex", 0)), bool(data.get("success")), int(data.get("retries", 0)))


async def _finish(slot: ProblemSlot, draft: ValidatedDraft) -> dict[str, Any]:
    """The problem to persist; a guided slot's starter is scaffolded from the verified reference."""
    problem = draft.problem()
    if slot.pedagogy is not None:
        problem["starter_code"] = scaffold(
            draft.language, draft.reference_solution, draft.starter_code, slot.pedagogy, slot.topics
        )
        problem["pedagogy"] = {
            "scaffold_level": slot.pedagogy.scaffold_level,
            "learning_goal": slot.pedagogy.learning_goal,
            "hints_enabled": slot.pedagogy.hints_enabled,
        }
    return problem
