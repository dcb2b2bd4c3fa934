"""QuestionPools reloads a package only when its drawable questions changed (questions.pools)."""

from sqlalchemy import update

from acelab import clock
from acelab.db.session import unit_of_work
from acelab.questions.models import PUBLISHED, QuestionBank, QuestionTopic
from acelab.questions.pools import QuestionPools
from tests.factories import make_exam_package, make_question, make_question_bank, make_topic, make_user

TTL_S = 30


async def _setup(db, identity):
    author = await make_user(db, identity, role="instructor")
    package = await make_exam_package(db)
    bank = await make_question_bank(db, author=author, package=package)
    topic = await make_topic(db, author=author, bank=bank, name="Algebra")
    await make_question(db, author=author, bank=bank, topic=topic, status=PUBLISHED)
    return author, package, bank, topic


async def _stamp(db, model, row_id, **values):
    """Change a row the way the services do, stamping `updated_at` with the clock's time."""
    async with unit_of_work(db, write=True) as session:
        await session.execute(
            update(model).where(model.id == row_id).values(updated_at=clock.utcnow(), **values)
        )


class TestQuestionPools:
    async def test_an_unchanged_package_keeps_its_pool_past_the_ttl(self, db, identity, frozen_clock):
        _, package, _, _ = await _setup(db, identity)
        pools = QuestionPools(ttl_s=TTL_S)
        first = await pools.get(db, exam_package_id=package.id)
        frozen_clock.advance(seconds=TTL_S)
        assert await pools.get(db, exam_package_id=package.id) is first

    async def test_a_new_question_is_loaded_at_the_next_check_not_before(self, db, identity, frozen_clock):
        author, package, bank, _ = await _setup(db, identity)
        pools = QuestionPools(ttl_s=TTL_S)
        first = await pools.get(db, exam_package_id=package.id)
        added = await make_question(db, author=author, bank=bank, status=PUBLISHED)
        assert await pools.get(db, exam_package_id=package.id) is first
        frozen_clock.advance(seconds=TTL_S)
        reloaded = await pools.get(db, exam_package_id=package.id)
        assert added.question.id in {q.id for q in reloaded.questions}

    async def test_swapping_a_visible_bank_for_another_of_the_same_size_is_seen(
        self, db, identity, frozen_clock
    ):
        author, package, _, _ = await _setup(db, identity)
        shown = await make_question_bank(db, author=author, package=package, is_hidden=True)
        waiting = await make_question(db, author=author, bank=shown, status=PUBLISHED)
        other = await make_question_bank(db, author=author, package=package)
        await make_question(db, author=author, bank=other, status=PUBLISHED)
        pools = QuestionPools(ttl_s=TTL_S)
        await pools.get(db, exam_package_id=package.id)
        frozen_clock.advance(seconds=1)
        # Same number of questions, none of them edited: only the banks changed.
        await _stamp(db, QuestionBank, other.id, is_hidden=True)
        await _stamp(db, QuestionBank, shown.id, is_hidden=False)
        frozen_clock.advance(seconds=TTL_S)
        reloaded = await pools.get(db, exam_package_id=package.id)
        assert waiting.question.id in {q.id for q in reloaded.questions}

    async def test_a_renamed_topic_is_seen(self, db, identity, frozen_clock):
        _, package, _, topic = await _setup(db, identity)
        pools = QuestionPools(ttl_s=TTL_S)
        await pools.get(db, exam_package_id=package.id)
        frozen_clock.advance(seconds=1)
        await _stamp(db, QuestionTopic, topic.id, name="Geometry")
        frozen_clock.advance(seconds=TTL_S)
        reloaded = await pools.get(db, exam_package_id=package.id)
        assert {q.topic_name for q in reloaded.questions} == {"Geometry"}
