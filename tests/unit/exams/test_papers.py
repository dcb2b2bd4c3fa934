"""Drawing a paper from a pool and scoring it: pure rules."""

from datetime import UTC, datetime

from acelab.exams.papers import MixEntry, answered_count, blank_sheet, draw_paper, paper_choices, score_paper
from acelab.questions.pools import Pool, PublishedQuestion
from acelab.questions.service import SnapshotChoice


def candidate(n: int, *, topic: str | None, difficulty: str) -> PublishedQuestion:
    choices = tuple(SnapshotChoice(id=f"c{n}-{i}", text=f"choice {i}") for i in range(4))
    return PublishedQuestion(
        id=f"q{n}",
        prompt=f"question {n}",
        explanation=f"because {n}",
        correct_choice_id=f"c{n}-0",
        choices=choices,
        topic_id=topic,
        topic_name=None if topic is None else topic.upper(),
        difficulty_id=difficulty,
        difficulty_name=difficulty.title(),
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def pool() -> Pool:
    """12 questions: topics a, b and none; easy and hard."""
    items = [
        candidate(n, topic=("a", "b", None)[n % 3], difficulty=("easy", "hard")[n % 2]) for n in range(12)
    ]
    return Pool(version=(), checked_at=datetime.now(UTC), questions=tuple(items))


class TestDrawPaper:
    def test_each_mix_entry_gets_its_count_and_the_rest_comes_from_anywhere(self):
        mix = [MixEntry("a", "hard", 2), MixEntry("b", None, 3)]
        for _ in range(50):
            paper = draw_paper(
                pool(), mix=mix, question_count=8, shuffle_questions=False, shuffle_choices=False
            )
            assert paper is not None and len(paper) == 8
            ids = [item["id"] for item in paper]
            assert len(set(ids)) == 8
            assert all(item["topicId"] == "a" and item["difficultyId"] == "hard" for item in paper[:2])
            assert all(item["topicId"] == "b" for item in paper[2:5])

    def test_overlapping_entries_never_repeat_a_question(self):
        mix = [MixEntry("a", None, 2), MixEntry(None, "hard", 4)]
        for _ in range(50):
            paper = draw_paper(
                pool(), mix=mix, question_count=10, shuffle_questions=True, shuffle_choices=False
            )
            assert paper is not None
            assert len({item["id"] for item in paper}) == 10

    def test_too_few_questions_for_an_entry_or_in_total_is_none(self):
        p = pool()
        assert (
            draw_paper(
                p,
                mix=[MixEntry("a", "hard", 3)],
                question_count=3,
                shuffle_questions=False,
                shuffle_choices=False,
            )
            is None
        )
        assert (
            draw_paper(p, mix=[], question_count=13, shuffle_questions=False, shuffle_choices=False) is None
        )
        assert (
            draw_paper(p, mix=[], question_count=12, shuffle_questions=True, shuffle_choices=True) is not None
        )

    def test_shuffled_choices_are_the_same_choices_with_the_same_key(self):
        paper = draw_paper(pool(), mix=[], question_count=12, shuffle_questions=True, shuffle_choices=True)
        assert paper is not None
        for item in paper:
            n = item["id"][1:]
            assert sorted(c["id"] for c in item["choices"]) == [f"c{n}-{i}" for i in range(4)]
            assert item["correctChoiceId"] == f"c{n}-0"


class TestScorePaper:
    def test_counts_right_answers_overall_and_per_topic_and_difficulty(self):
        paper = draw_paper(pool(), mix=[], question_count=12, shuffle_questions=False, shuffle_choices=False)
        assert paper is not None
        answers = {item["id"]: item["correctChoiceId"] for item in paper if item["topicId"] == "a"}
        answers[next(item["id"] for item in paper if item["topicId"] == "b")] = "wrong"
        score = score_paper(paper, answers, pass_percent=33)
        assert (score.correct, score.total, score.percent, score.passed) == (4, 12, 33.33, True)
        by_topic = {
            row["key"]: (row["name"], row["correct"], row["total"]) for row in score.breakdown["byTopic"]
        }
        assert by_topic == {"a": ("A", 4, 4), "b": ("B", 0, 4), None: (None, 0, 4)}
        by_difficulty = {row["key"]: (row["name"], row["total"]) for row in score.breakdown["byDifficulty"]}
        assert by_difficulty == {"easy": ("Easy", 6), "hard": ("Hard", 6)}

    def test_below_the_pass_mark_fails(self):
        paper = draw_paper(pool(), mix=[], question_count=4, shuffle_questions=False, shuffle_choices=False)
        assert paper is not None
        assert score_paper(paper, {}, pass_percent=1).passed is False
        assert score_paper(paper, {}, pass_percent=0).passed is True


class TestAnswerSheet:
    def test_answers_come_back_as_given_whatever_the_shuffle(self):
        for _ in range(20):
            paper = draw_paper(
                pool(), mix=[], question_count=12, shuffle_questions=True, shuffle_choices=True
            )
            assert paper is not None
            choices = paper_choices(paper)
            given = {item["id"]: item["choices"][n % 4]["id"] for n, item in enumerate(paper) if n % 3}
            sheet = choices.merged(blank_sheet(paper), given)
            assert len(sheet) == 12 and answered_count(sheet) == len(given) == 8
            assert choices.answers(sheet) == {
                item["id"]: given[item["id"]] for item in paper if item["id"] in given
            }

    def test_a_later_answer_replaces_one_and_a_null_clears_one(self):
        paper = draw_paper(pool(), mix=[], question_count=3, shuffle_questions=False, shuffle_choices=True)
        assert paper is not None
        choices = paper_choices(paper)
        q1, q2, q3 = (item["id"] for item in paper)
        first = choices.merged(None, {q1: f"c{q1[1:]}-1", q2: f"c{q2[1:]}-2"})
        second = choices.merged(first, {q1: f"c{q1[1:]}-3", q2: None, q3: f"c{q3[1:]}-0"})
        assert choices.answers(first) == {q1: f"c{q1[1:]}-1", q2: f"c{q2[1:]}-2"}
        assert choices.answers(second) == {q1: f"c{q1[1:]}-3", q3: f"c{q3[1:]}-0"}
        assert answered_count(second) == 2 and answered_count(None) == 0
        assert choices.answers(None) == {}

    def test_six_choices_fit(self):
        six = [{"id": f"c1-{i}", "text": f"choice {i}"} for i in range(6)]
        choices = paper_choices([{"id": "q1", "choices": six}])
        for choice in six:
            assert choices.answers(choices.merged(None, {"q1": choice["id"]})) == {"q1": choice["id"]}
