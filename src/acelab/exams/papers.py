"""Exam papers: the questions a package offers (kept briefly per process), the draw that freezes an
attempt's paper, its scoring, and the per-process cache of what a paper's answers may name."""

import asyncio
import random
import secrets
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acelab import clock
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.questions import service as questions_service
from acelab.questions.service import ExamCandidate

JsonObject = dict[str, Any]
# (topic id, difficulty id); None matches any.
BucketKey = tuple[str | None, str | None]

# Each draw gets a generator seeded with 256 bits from the OS: no paper can be predicted from
# another, and a draw costs a few hundred generator calls, not as many system calls.
SEED_BITS = 256


@dataclass(frozen=True)
class MixEntry:
    topic_id: str | None
    difficulty_id: str | None
    count: int


@dataclass
class Pool:
    """The published questions of one package at `loaded_at`, indexed by (topic, difficulty) on demand."""

    loaded_at: datetime
    candidates: tuple[ExamCandidate, ...]
    _buckets: dict[BucketKey, list[ExamCandidate]] = field(default_factory=dict)

    def bucket(self, key: BucketKey) -> list[ExamCandidate]:
        found = self._buckets.get(key)
        if found is None:
            topic_id, difficulty_id = key
            found = [
                c
                for c in self.candidates
                if (topic_id is None or c.topic_id == topic_id)
                and (difficulty_id is None or c.difficulty_id == difficulty_id)
            ]
            self._buckets[key] = found
        return found


class QuestionPools:
    """Per-process pools, reloaded after `ttl_s` (clock time, so tests can move it).

    Exam day starts thousands of attempts of one package within a minute; each would otherwise read
    the whole bank. Concurrent starts wait for one load instead of each loading.
    """

    def __init__(self, *, ttl_s: float) -> None:
        self.ttl = timedelta(seconds=ttl_s)
        self._pools: dict[str, Pool] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _fresh(self, exam_package_id: str, now: datetime) -> Pool | None:
        pool = self._pools.get(exam_package_id)
        if pool is None or now - pool.loaded_at >= self.ttl:
            return None
        return pool

    async def get(self, db: Database, *, exam_package_id: str) -> Pool:
        """Return the package's pool, loading it when missing or older than the TTL."""
        pool = self._fresh(exam_package_id, clock.utcnow())
        if pool is not None:
            return pool
        lock = self._locks.setdefault(exam_package_id, asyncio.Lock())
        async with lock:
            now = clock.utcnow()
            pool = self._fresh(exam_package_id, now)
            if pool is None:
                async with unit_of_work(db, autocommit=True) as session:
                    candidates = await questions_service.list_exam_candidates(
                        session, exam_package_id=exam_package_id
                    )
                pool = Pool(loaded_at=now, candidates=tuple(candidates))
                if self.ttl > timedelta(0):
                    self._pools[exam_package_id] = pool
            return pool


def _paper_item(candidate: ExamCandidate, *, shuffle_choices: bool, rng: random.Random) -> JsonObject:
    choices = [{"id": c["id"], "text": c["text"]} for c in candidate.choices]
    if shuffle_choices:
        rng.shuffle(choices)
    return {
        "id": candidate.id,
        "prompt": candidate.prompt,
        "choices": choices,
        "correctChoiceId": candidate.correct_choice_id,
        "explanation": candidate.explanation,
        "topicId": candidate.topic_id,
        "topicName": candidate.topic_name,
        "difficultyId": candidate.difficulty_id,
        "difficultyName": candidate.difficulty_name,
    }


def draw_paper(
    pool: Pool,
    *,
    mix: Sequence[MixEntry],
    question_count: int,
    shuffle_questions: bool,
    shuffle_choices: bool,
) -> list[JsonObject] | None:
    """Draw `question_count` distinct questions: each mix entry's count from its topic and difficulty,
    the rest from the whole pool. None when the pool cannot fill a part."""
    rng = random.Random(secrets.randbits(SEED_BITS))
    chosen: list[ExamCandidate] = []
    taken: set[str] = set()
    parts = [(entry.topic_id, entry.difficulty_id, entry.count) for entry in mix]
    rest = question_count - sum(entry.count for entry in mix)
    if rest > 0:
        parts.append((None, None, rest))
    for topic_id, difficulty_id, count in parts:
        bucket = pool.bucket((topic_id, difficulty_id))
        # At most len(taken) of a sample can be taken already, so this size always leaves `count`.
        sample = rng.sample(bucket, min(len(bucket), count + len(taken)))
        picked = [c for c in sample if c.id not in taken][:count]
        if len(picked) < count:
            return None
        chosen += picked
        taken.update(c.id for c in picked)
    if shuffle_questions:
        rng.shuffle(chosen)
    return [_paper_item(c, shuffle_choices=shuffle_choices, rng=rng) for c in chosen]


def public_question(item: Mapping[str, Any]) -> JsonObject:
    """A paper item as the student sees it while the attempt runs."""
    return {
        "id": item["id"],
        "prompt": item["prompt"],
        "choices": [{"id": c["id"], "text": c["text"]} for c in item["choices"]],
        "topicName": item.get("topicName"),
    }


# What an answer to a paper may name: question id -> its choice ids.
PaperChoices = dict[str, tuple[str, ...]]


def paper_choices(paper: Sequence[Mapping[str, Any]]) -> PaperChoices:
    """Map each question of a paper to its choice ids."""
    return {item["id"]: tuple(sorted(c["id"] for c in item["choices"])) for item in paper}


class PaperChoicesCache:
    """The choices of attempts' papers, kept per process, so that an answer save (every student, every
    15 s on exam day) checks its answers without reading the whole paper back from the database.

    A paper never changes once drawn, so nothing is ever invalidated; past `size` attempts the least
    recently used are dropped. Choice tuples are shared between attempts (papers are drawn from one
    pool), so an entry costs little more than its dict.
    """

    def __init__(self, *, size: int) -> None:
        self.size = size
        self._papers: OrderedDict[tuple[str, str], PaperChoices] = OrderedDict()
        self._shared: dict[tuple[str, ...], tuple[str, ...]] = {}

    def get(self, key: tuple[str, str]) -> PaperChoices | None:
        found = self._papers.get(key)
        if found is not None:
            self._papers.move_to_end(key)
        return found

    def put(self, key: tuple[str, str], paper: Sequence[Mapping[str, Any]]) -> PaperChoices:
        if len(self._shared) > 8 * self.size:  # many edited questions since start-up: start afresh
            self._shared.clear()
        choices = {qid: self._shared.setdefault(ids, ids) for qid, ids in paper_choices(paper).items()}
        self._papers[key] = choices
        if len(self._papers) > self.size:
            self._papers.popitem(last=False)
        return choices


@dataclass(frozen=True)
class Score:
    correct: int
    total: int
    percent: float
    passed: bool
    breakdown: JsonObject


def _percent(correct: int, total: int) -> float:
    return round(100.0 * correct / total, 2) if total else 0.0


def _rows(groups: dict[str | None, list[Any]]) -> list[JsonObject]:
    return [
        {"key": key, "name": name, "correct": correct, "total": total, "percent": _percent(correct, total)}
        for key, (name, correct, total) in groups.items()
    ]


def score_paper(
    paper: Sequence[Mapping[str, Any]], answers: Mapping[str, str], *, pass_percent: int
) -> Score:
    """Count right answers, overall and per topic and difficulty (in the order they first appear)."""
    by_topic: dict[str | None, list[Any]] = {}
    by_difficulty: dict[str | None, list[Any]] = {}
    correct = 0
    for item in paper:
        right = answers.get(item["id"]) == item["correctChoiceId"]
        correct += right
        for groups, key, name in (
            (by_topic, item.get("topicId"), item.get("topicName")),
            (by_difficulty, item.get("difficultyId"), item.get("difficultyName")),
        ):
            row = groups.setdefault(key, [name, 0, 0])
            row[1] += right
            row[2] += 1
    percent = _percent(correct, len(paper))
    return Score(
        correct=correct,
        total=len(paper),
        percent=percent,
        passed=percent >= pass_percent,
        breakdown={"byTopic": _rows(by_topic), "byDifficulty": _rows(by_difficulty)},
    )
