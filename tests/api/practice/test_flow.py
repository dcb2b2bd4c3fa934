"""The whole student flow, as the web app walks it (ace.md §17.3, §17.4): an instructor publishes a
template, the enrolled student starts it, answers every question, then reads the review and summary."""

from tests.actors import assert_error
from tests.api.practice.conftest import answer


class TestStudentFlow:
    async def test_practice_from_a_template_to_the_summary(self, frozen_clock, student, instructor, course):
        r = await instructor.post(
            "/instructor/practice-templates",
            {
                "examPackageId": course.package.id,
                "name": "Daily drill",
                "section": "Reading",
                "topicId": None,
                "difficultyId": None,
                "isTimed": False,
                "targetCount": 4,
                "sortOrder": 0,
            },
        )
        template_id = r.json()["id"]
        assert (await student.get("/practice-templates")).json()["items"] == []
        await instructor.post(f"/instructor/practice-templates/{template_id}/publish")
        [template] = (await student.get("/practice-templates")).json()["items"]
        assert (template["id"], template["targetCount"]) == (template_id, 4)

        r = await student.post(
            "/practice-sessions",
            {"templateId": template_id, "examPackageId": None, "timed": False, "count": 1},
        )
        session_id = r.json()["sessionId"]
        seen, verdicts = [], []
        while True:
            session = (await student.get(f"/practice-sessions/{session_id}")).json()
            if session["status"] == "finished":
                break
            question = session["question"]
            assert question["id"] not in seen
            seen.append(question["id"])
            assert session["currentIndex"] == len(verdicts)
            frozen_clock.advance(seconds=2 + len(seen))
            right = len(seen) % 2 == 1
            choice = course.correct_choice(question["id"]) if right else course.wrong_choice(question["id"])
            result = (await answer(student, session_id, question["id"], choice)).json()
            assert result["correct"] is right
            verdicts.append(right)
            assert result["done"] is (len(seen) == 4)
        assert len(seen) == 4 and session["question"] is None

        [listed] = (await student.get("/practice-sessions", limit="10", offset="0")).json()["items"]
        assert (listed["sessionId"], listed["status"], listed["correctCount"], listed["accuracy"]) == (
            session_id,
            "finished",
            2,
            0.5,
        )
        summary = (await student.get(f"/practice-sessions/{session_id}/summary")).json()
        assert summary == {"sessionId": session_id, "total": 4, "correctCount": 2, "accuracy": 0.5}
        review = (await student.get(f"/practice-sessions/{session_id}/review")).json()
        assert [item["question"]["id"] for item in review["items"]] == seen
        assert [item["correct"] for item in review["items"]] == verdicts
        assert [item["timeTakenSeconds"] for item in review["items"]] == [3, 4, 5, 6]
        assert all(
            item["correctChoiceId"] == course.correct_choice(item["question"]["id"])
            for item in review["items"]
        )

        assert_error(await student.post(f"/practice-sessions/{session_id}/pause"), 400, "session is finished")
