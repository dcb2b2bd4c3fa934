"""The question selection practice sessions start from (ace.md §7.2)."""

from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from acelab.questions import service as question_service
from acelab.questions.service import QuestionSnapshot
from tests.factories import make_exam_package, make_question, make_question_bank, make_topic, make_user


async def _select(
    db: Database,
    *,
    package_id: str,
    count: int,
    topic_id: str | None = None,
    difficulty_id: str | None = None,
) -> list[QuestionSnapshot]:
    async with unit_of_work(db) as session:
        return await question_service.select_practice_questions(
            session, exam_package_id=package_id, topic_id=topic_id, difficulty_id=difficulty_id, count=count
        )


async def _author(db: Database, identity: IdentityContext) -> User:
    return await make_user(db, identity, role="instructor")


class TestSelectPracticeQuestions:
    async def test_snapshot_has_the_stored_content(self, db, identity):
        author = await _author(db, identity)
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        made = await make_question(
            db,
            author=author,
            bank=bank,
            status="published",
            prompt="2 + 2?",
            explanation="Count.",
            choices=("3", "4", "5"),
            correct_index=1,
        )

        [snapshot] = await _select(db, package_id=package.id, count=5)

        assert snapshot == {
            "id": made.question.id,
            "prompt": "2 + 2?",
            "choices": [{"id": c.id, "text": c.text} for c in made.choices],
            "correctChoiceId": made.choices[1].id,
            "explanation": "Count.",
        }

    async def test_only_published_questions_with_a_correct_choice_of_visible_linked_banks(self, db, identity):
        author = await _author(db, identity)
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        hidden = await make_question_bank(db, author=author, package=package, is_hidden=True)
        elsewhere = await make_question_bank(db, author=author, package=await make_exam_package(db))
        unlinked = await make_question_bank(db, author=author)
        expected = await make_question(db, author=author, bank=bank, status="published")
        for status in ("draft", "in_review", "needs_changes", "archived"):
            await make_question(db, author=author, bank=bank, status=status)
        await make_question(db, author=author, bank=bank, status="published", correct_index=None)
        for other in (hidden, elsewhere, unlinked):
            await make_question(db, author=author, bank=other, status="published")
        await make_question(db, author=author, status="published")

        picked = await _select(db, package_id=package.id, count=50)

        assert [q["id"] for q in picked] == [expected.question.id]

    async def test_filters_by_topic_and_difficulty_and_keeps_hidden_topics(self, db, identity):
        author = await _author(db, identity)
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        topic = await make_topic(db, author=author, bank=bank, is_hidden=True)
        match = await make_question(
            db, author=author, bank=bank, topic=topic, difficulty_id="hard", status="published"
        )
        await make_question(
            db, author=author, bank=bank, topic=topic, difficulty_id="easy", status="published"
        )
        await make_question(db, author=author, bank=bank, difficulty_id="hard", status="published")

        both = await _select(db, package_id=package.id, count=10, topic_id=topic.id, difficulty_id="hard")
        by_topic = await _select(db, package_id=package.id, count=10, topic_id=topic.id)
        by_difficulty = await _select(db, package_id=package.id, count=10, difficulty_id="hard")

        assert [q["id"] for q in both] == [match.question.id]
        assert len(by_topic) == 2
        assert len(by_difficulty) == 2

    async def test_count_limits_and_picks_distinct_questions(self, db, identity):
        author = await _author(db, identity)
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        made = {
            (await make_question(db, author=author, bank=bank, status="published")).question.id
            for _ in range(6)
        }

        picked = await _select(db, package_id=package.id, count=4)
        everything = await _select(db, package_id=package.id, count=50)

        assert len(picked) == 4 and len({q["id"] for q in picked}) == 4 and {q["id"] for q in picked} <= made
        assert {q["id"] for q in everything} == made

    async def test_order_is_random(self, db, identity):
        author = await _author(db, identity)
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        for _ in range(8):
            await make_question(db, author=author, bank=bank, status="published")

        orders = {
            tuple(q["id"] for q in await _select(db, package_id=package.id, count=8)) for _ in range(10)
        }

        # 10 draws of 8! orders: all equal with probability (1/40320)^9.
        assert len(orders) > 1

    async def test_no_candidates_or_no_count_is_empty(self, db, identity):
        author = await _author(db, identity)
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        await make_question(db, author=author, bank=bank, status="published")

        assert await _select(db, package_id="not-a-package", count=5) == []
        assert await _select(db, package_id=package.id, count=0) == []
