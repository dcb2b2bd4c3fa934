"""`acelab seed demo` as a new user runs it, then the flows the README walks with curl: a student enrolls,
practises from a template, answers every question, reviews and reads the summary; an instructor writes a
question that an admin sends back and then approves. Requests are shaped as the ACE web app sends them
(cookies, `x-csrf-token`, `{templateId, examPackageId: null, timed: false, count: 1}`)."""

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from acelab.demo import content
from tests.login import csrf_headers, login

ACELAB = [sys.executable, "-m", "acelab"]
PASSWORD = "demo password 123"
STUDENT = "demo-student@example.com"
INSTRUCTOR = "demo-instructor@example.com"
ADMIN = "demo-admin@example.com"
QUESTIONS = {q.prompt: q for bank in content.BANKS for topic in bank.topics for q in topic.questions}


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ACELAB_", "BOOTSTRAP_", "JWT_"))}
    environment.update(
        ACELAB_DATA_DIR=str(tmp_path),
        ACELAB_DATABASE_URL=database_url,
        ACELAB_ARGON2_MEMORY_KIB="1024",
        ACELAB_ARGON2_TIME_COST="1",
    )
    return environment


def seed(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ACELAB, "seed", "demo", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def seeded(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = seed(env, "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    return result


class Browser:
    """One user's browser: a cookie jar, and the CSRF header on unsafe requests, as the web app sends it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, url: str, **params: Any) -> Any:
        response = await self.client.get(url, params=params or None)
        assert response.status_code == 200, response.text
        return response.json()

    async def send(self, method: str, url: str, json: Any = None) -> httpx.Response:
        return await self.client.request(method, url, json=json, headers=csrf_headers(self.client))

    async def post(self, url: str, json: Any = None) -> Any:
        response = await self.send("POST", url, json)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[Callable[..., Any]]:
    """Log a demo account in on a browser of its own."""
    clients: list[httpx.AsyncClient] = []

    async def open_as(email: str, portal: str, password: str = PASSWORD) -> Browser:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        clients.append(client)
        await login(client, email=email, portal=portal, password=password)
        return Browser(client)

    yield open_as
    for client in clients:
        await client.aclose()


async def demo_package_id(student: Browser) -> str:
    packages = (await student.get("/exam-packages"))["items"]
    return next(p["id"] for p in packages if p["name"] == content.PACKAGE.name)


async def start_template(student: Browser, name: str) -> dict[str, Any]:
    templates = (await student.get("/practice-templates"))["items"]
    template = next(t for t in templates if t["name"] == name)
    return await student.post(
        "/practice-sessions",
        {"templateId": template["id"], "examPackageId": None, "timed": False, "count": 1},
    )


def choice_id(question: dict[str, Any], *, correct: bool) -> str:
    """The id of the question's correct choice (from content.py), or of a wrong one."""
    spec = QUESTIONS[question["prompt"]]
    right = spec.choices[spec.correct]
    return next(c["id"] for c in question["choices"] if (c["text"] == right) is correct)


class TestSeedCommand:
    def test_first_run_prints_random_passwords_and_what_it_created(self, env):
        result = seed(env)
        assert result.returncode == 0, result.stderr
        passwords = re.findall(r"password: (\S+)", result.stdout)
        assert len(passwords) == 3 and len(set(passwords)) == 3
        assert all(len(p) >= 16 for p in passwords)
        assert "created 1 package, 2 banks, 6 topics, 48 questions, 3 templates" in result.stdout

    async def test_printed_passwords_log_in(self, env, browser):
        result = seed(env)
        for role, email in (("student", STUDENT), ("instructor", INSTRUCTOR), ("admin", ADMIN)):
            password = re.search(rf"{role}\s+{re.escape(email)}\s+password: (\S+)", result.stdout)
            assert password is not None, result.stdout
            me = await (await browser(email, role, password.group(1))).get(f"/{role}/auth/me")
            assert me["role"] == role

    async def test_second_run_changes_nothing_and_says_so(self, env, seeded, browser):
        admin = await browser(ADMIN, "admin")

        async def state() -> list[Any]:
            dashboard = await admin.get("/admin/dashboard")
            dashboard.pop("ts")
            questions = await admin.get("/instructor/questions", limit="100")
            templates = await admin.get("/instructor/practice-templates")
            return [dashboard, questions, templates]

        before = await state()
        again = seed(env, "--password", "another password")
        assert again.returncode == 0, again.stderr
        assert "password:" not in again.stdout
        assert again.stdout.count("exists, password unchanged") == 3
        assert "nothing changed" in again.stdout
        assert await state() == before
        assert len(before[2]["items"]) == 3
        await browser(STUDENT, "student")  # the first run's password still logs in

    async def test_a_deleted_question_is_recreated_and_nothing_else(self, env, seeded, browser):
        admin = await browser(ADMIN, "admin")
        question = (await admin.get("/instructor/questions", status="published", limit="1"))["items"][0]
        assert (await admin.send("DELETE", f"/admin/questions/{question['id']}")).status_code == 200
        again = seed(env)
        assert again.returncode == 0, again.stderr
        assert "created 1 question\n" in again.stdout
        published = await admin.get("/instructor/questions", status="published", limit="100")
        assert len(published["items"]) == len(QUESTIONS)

    async def test_an_email_taken_by_another_role_fails_and_creates_nothing(self, env, seeded, browser):
        result = seed(env, "--student-email", "new-student@example.com", "--admin-email", STUDENT)
        assert result.returncode != 0
        assert f"error: {STUDENT} already exists with role student" in result.stderr
        admin = await browser(ADMIN, "admin")
        users = (await admin.get("/admin/users", limit="50"))["items"]
        assert "new-student@example.com" not in {u["email"] for u in users}

    def test_one_email_for_two_accounts_is_refused(self, env):
        result = seed(env, "--instructor-email", ADMIN)
        assert result.returncode != 0
        assert "error: the demo accounts need three different emails" in result.stderr

    def test_a_short_password_is_refused(self, env):
        result = seed(env, "--password", "short")
        assert result.returncode != 0
        assert "at least 8 characters" in result.stderr


class TestDemoContent:
    async def test_every_question_is_published_with_four_choices_and_its_explanation(self, seeded, browser):
        instructor = await browser(INSTRUCTOR, "instructor")
        listed = (await instructor.get("/instructor/questions", status="published", limit="100"))["items"]
        assert len(listed) == len(QUESTIONS) >= 40
        assert {q["difficultyId"] for q in listed} == {"easy", "medium", "hard"}
        for item in listed:
            question = await instructor.get(f"/instructor/questions/{item['id']}")
            spec = QUESTIONS[question["prompt"]]
            assert [c["text"] for c in question["choices"]] == list(spec.choices)
            correct = next(c for c in question["choices"] if c["id"] == question["correctChoiceId"])
            assert correct["text"] == spec.choices[spec.correct]
            assert question["explanation"] == spec.explanation

    async def test_two_banks_with_three_topics_each(self, seeded, browser):
        instructor = await browser(INSTRUCTOR, "instructor")
        banks = (await instructor.get("/instructor/question-banks"))["items"]
        assert {b["name"] for b in banks} == {content.PYTHON_BANK, content.DSA_BANK}
        for bank in banks:
            topics = (await instructor.get("/instructor/question-topics", questionBankId=bank["id"]))["items"]
            assert len(topics) == 3


class TestStudentFlow:
    async def test_enroll_practise_answer_all_review_and_summary(self, seeded, browser):
        student = await browser(STUDENT, "student")
        package_id = await demo_package_id(student)
        tiers = (await student.get(f"/exam-packages/{package_id}/tiers"))["items"]
        assert [t["isDefault"] for t in tiers] == [True]
        assert (await student.get("/practice-templates"))["items"] == []  # not enrolled yet
        assert await student.post("/student/enrollments", {"examPackageId": package_id}) == {"success": True}
        assert (await student.get("/student/enrollments"))["examPackageIds"] == [package_id]

        started = await start_template(student, content.WARM_UP)
        session_id, total = started["sessionId"], started["total"]
        assert (started["status"], total, started["isTimed"]) == ("active", 10, False)
        asked = []
        for index in range(total):
            current = await student.get(f"/practice-sessions/{session_id}")
            question = current["question"]
            assert current["currentIndex"] == index and "correctChoiceId" not in question
            asked.append(question["prompt"])
            # The first answer is wrong on purpose, the others right.
            outcome = await student.post(
                f"/practice-sessions/{session_id}/answers",
                {
                    "questionId": question["id"],
                    "choiceId": choice_id(question, correct=index > 0),
                    "ts": None,
                },
            )
            assert outcome == {
                "correct": index > 0,
                "explanation": QUESTIONS[question["prompt"]].explanation,
                "done": index == total - 1,
            }
        assert len(set(asked)) == total

        finished = await student.get(f"/practice-sessions/{session_id}")
        assert (finished["status"], finished["question"]) == ("finished", None)
        summary = await student.get(f"/practice-sessions/{session_id}/summary")
        assert summary == {"sessionId": session_id, "total": 10, "correctCount": 9, "accuracy": 0.9}
        review = (await student.get(f"/practice-sessions/{session_id}/review"))["items"]
        assert [item["question"]["prompt"] for item in review] == asked
        assert [item["correct"] for item in review] == [False] + [True] * 9
        for item in review:
            spec = QUESTIONS[item["question"]["prompt"]]
            correct = next(c for c in item["question"]["choices"] if c["id"] == item["correctChoiceId"])
            assert correct["text"] == spec.choices[spec.correct]
            assert item["explanation"] == spec.explanation

    async def test_an_answer_after_the_last_is_refused(self, seeded, browser):
        student = await browser(STUDENT, "student")
        await student.post("/student/enrollments", {"examPackageId": await demo_package_id(student)})
        started = await start_template(student, "Functions drill")
        session_id = started["sessionId"]
        question = started["question"]
        for _ in range(started["total"]):
            body = {"questionId": question["id"], "choiceId": choice_id(question, correct=True)}
            last = await student.post(f"/practice-sessions/{session_id}/answers", body)
            question = (await student.get(f"/practice-sessions/{session_id}"))["question"]
        assert last["done"] is True
        again = await student.send("POST", f"/practice-sessions/{session_id}/answers", body)
        assert (again.status_code, again.json()) == (400, {"message": "session not active"})

    async def test_the_topic_and_difficulty_templates_select_from_their_slice(self, seeded, browser):
        student = await browser(STUDENT, "student")
        await student.post("/student/enrollments", {"examPackageId": await demo_package_id(student)})
        drill = await start_template(student, "Functions drill")
        functions = {q.prompt for q in content.FUNCTIONS.questions}
        assert (drill["total"], drill["isTimed"], drill["question"]["prompt"] in functions) == (
            8,
            False,
            True,
        )
        timed = await start_template(student, "Hard questions, timed")
        hard = {prompt for prompt, q in QUESTIONS.items() if q.difficulty == content.HARD}
        assert (timed["total"], timed["timeLimitSeconds"], timed["question"]["prompt"] in hard) == (
            10,
            600,
            True,
        )


class TestInstructorReviewFlow:
    async def test_create_submit_request_changes_resubmit_and_approve(self, seeded, browser):
        instructor = await browser(INSTRUCTOR, "instructor")
        admin = await browser(ADMIN, "admin")
        banks = (await instructor.get("/instructor/question-banks"))["items"]
        bank_id = next(b["id"] for b in banks if b["name"] == content.PYTHON_BANK)
        topics = (await instructor.get("/instructor/question-topics", questionBankId=bank_id))["items"]
        topic_id = next(t["id"] for t in topics if t["name"] == "Values and Types")
        created = await instructor.post(
            "/instructor/questions",
            {
                "questionBankId": bank_id,
                "topicId": topic_id,
                "difficultyId": "easy",
                "prompt": "What does type(True) return?",
                "explanation": "",
                "choices": [{"text": "<class 'int'>"}, {"text": "<class 'bool'>"}, {"text": "<class 'str'>"}],
                "correctChoiceIndex": 1,
            },
        )
        question_id = created["id"]
        url = f"/instructor/questions/{question_id}"

        async def status() -> str:
            return str((await instructor.get(url))["status"])

        assert created["status"] == "draft"
        assert await instructor.post(f"{url}/submit-for-review") == {"ok": True}
        assert await status() == "in_review"
        refused = await instructor.send("POST", f"/admin/questions/{question_id}/approve")
        assert refused.status_code == 403 and "message" in refused.json()
        assert await status() == "in_review"

        note = {"note": "Please add an explanation."}
        assert await admin.post(f"/admin/questions/{question_id}/request-changes", note) == {"ok": True}
        assert await status() == "needs_changes"
        too_early = await admin.send("POST", f"/admin/questions/{question_id}/approve")
        assert too_early.status_code == 409
        assert too_early.json() == {"message": "cannot approve a question whose status is needs_changes"}

        explanation = "True and False are the two values of bool, a subclass of int."
        fixed = await instructor.send("PUT", url, {"explanation": explanation})
        assert fixed.status_code == 200, fixed.text
        assert await instructor.post(f"{url}/submit-for-review") == {"ok": True}
        assert await admin.post(f"/admin/questions/{question_id}/approve") == {"ok": True}
        approved = await instructor.get(url)
        assert (approved["status"], approved["explanation"]) == ("published", explanation)
        published = await instructor.get("/instructor/questions", status="published", limit="100")
        assert len(published["items"]) == len(QUESTIONS) + 1
