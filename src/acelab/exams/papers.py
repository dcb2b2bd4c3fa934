"""Exam papers: the draw from a package's question pool that freezes an attempt's paper, its scoring,
and the per-process cache of what a paper's answers may name."""

import random
import secrets
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from acelab.questions.pools import Pool, PublishedQuestion

JsonObject = dict[str, Any]

# Each draw gets a generator seeded with 256 bits from the OS: no paper can be predicted from
# another, and a draw costs a few hundred generator calls, not as many system calls.
SEED_BITS = 256


@dataclass(frozen=True)
class MixEntry:
    topic_id: str | None
    difficulty_id: str | None
    count: int


def _paper_item(question: PublishedQuestion, *, shuffle_choices: bool, rng: random.Random) -> JsonObject:
    choices = [{"id": c["id"], "text": c["text"]} for c in question.choices]
    if shuffle_choices:
        rng.shuffle(choices)
    return {
        "id": question.id,
        "prompt": question.prompt,
        "choices": choices,
        "correctChoiceId": question.correct_choice_id,
        "explanation": question.explanation,
        "topicId": question.topic_id,
        "topicName": question.topic_name,
        "difficultyId": question.difficulty_id,
        "difficultyName": question.difficulty_name,
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
    chosen: list[PublishedQuestion] = []
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


# An attempt's answers as stored: one character per question, in paper order, the chosen choice's
# position among the question's choice ids (sorted) as a letter, or UNANSWERED. Forty answers take 40
# bytes instead of 3 kB of ids, so a heartbeat rewrites a small row and many rows share a page.
UNANSWERED = "-"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # a question has at most 6 choices


@dataclass(frozen=True)
class PaperChoices:
    """What an answer to a paper may name (question id -> its choice ids, sorted), and where each
    question's answer is kept in the attempt's answer sheet."""

    choices: dict[str, tuple[str, ...]]
    positions: dict[str, int]

    def merged(self, sheet: str | None, given: Mapping[str, str | None]) -> str:
        """`sheet` with the given answers (each naming a question of the paper and one of its
        choices) written over it; a null clears one."""
        cells = list(sheet or UNANSWERED * len(self.positions))
        for question_id, choice_id in given.items():
            ids = self.choices[question_id]
            cells[self.positions[question_id]] = (
                UNANSWERED if choice_id is None else _LETTERS[ids.index(choice_id)]
            )
        return "".join(cells)

    def answers(self, sheet: str | None) -> dict[str, str]:
        """The answers a sheet holds: {questionId: choiceId}, in paper order."""
        if not sheet:
            return {}
        return {
            question_id: ids[_LETTERS.index(cell)]
            for (question_id, ids), cell in zip(self.choices.items(), sheet, strict=True)
            if cell != UNANSWERED
        }


def blank_sheet(paper: Sequence[Any]) -> str:
    return UNANSWERED * len(paper)


def answered_count(sheet: str | None) -> int:
    return len(sheet) - sheet.count(UNANSWERED) if sheet else 0


def paper_choices(paper: Sequence[Mapping[str, Any]]) -> PaperChoices:
    """Map each question of a paper to its choice ids and its position."""
    return PaperChoices(
        choices={item["id"]: tuple(sorted(c["id"] for c in item["choices"])) for item in paper},
        positions={item["id"]: n for n, item in enumerate(paper)},
    )


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
        drawn = paper_choices(paper)
        choices = PaperChoices(
            choices={qid: self._shared.setdefault(ids, ids) for qid, ids in drawn.choices.items()},
            positions=drawn.positions,
        )
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
