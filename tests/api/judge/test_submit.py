"""POST /submit through HTTP on the real sandbox (codemm.md §13.8, §14)."""

import json

import pytest

from acelab.judge import service as judge_service
from acelab.judge.deps import get_suite_source
from acelab.judge.service import StoredSuite
from tests.api.judge.conftest import solution, suite
from tests.factories import make_activity, make_problem, make_user
from tests.login import bearer, csrf_headers, login

JSON = {"content-type": "application/json"}
SUITE = "import pytest\nfrom solution import solve\n"
LANGUAGES = ("python", "cpp", "sql", "java")
ALL_TESTS = [f"test_case_{i}" for i in range(1, 9)]


def sql_name(name: str) -> str:
    return rf'Invalid filename "{name}". Must match /^[A-Za-z_][A-Za-z0-9_]*\.sql$/.'


class TestSubmitValidation:
    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({}, "testSuite is required for graded execution. Use /run for code-only execution."),
            (
                {"code": "x", "testSuite": "  "},
                "testSuite is required for graded execution. Use /run for code-only execution.",
            ),
            (
                {"code": "x", "testSuite": 5},
                "testSuite is required for graded execution. Use /run for code-only execution.",
            ),
            ({"language": "rust", "code": "x", "testSuite": SUITE}, "Invalid language."),
            ({"language": None, "code": "x", "testSuite": SUITE}, "Invalid language."),
            ({"language": "python", "files": {}, "testSuite": SUITE}, "files must be a non-empty object."),
            (
                {"language": "python", "files": {f"m{i}.py": "x" for i in range(31)}, "testSuite": SUITE},
                "Too many files. Max is 30.",
            ),
            (
                {"language": "cpp", "files": {f"m{i}.h": "x" for i in range(51)}, "testSuite": SUITE},
                "Too many files. Max is 50.",
            ),
            (
                {"files": {f"M{i}.java": "x" for i in range(17)}, "testSuite": SUITE},
                "Too many files. Max is 16.",
            ),
            (
                {"language": "sql", "files": {f"s{i}.sql": "x" for i in range(17)}, "testSuite": SUITE},
                "Too many files. Max is 16.",
            ),
            ({"language": "sql", "files": {"/etc/passwd": "x"}, "testSuite": SUITE}, sql_name("/etc/passwd")),
            ({"language": "sql", "files": {"..\\\\x.sql": "x"}, "testSuite": SUITE}, sql_name("..\\\\x.sql")),
            (
                {"language": "python", "files": {"solution.py": ""}, "testSuite": SUITE},
                'File "solution.py" must be a non-empty string.',
            ),
            (
                {"language": "python", "files": {"solution.py": "x" * 200_000}, "testSuite": SUITE},
                "Total code exceeds maximum length of 200000 characters.",
            ),
            (
                {
                    "language": "python",
                    "files": {"solution.py": "x", "test_solution.py": "x"},
                    "testSuite": SUITE,
                },
                'files must not include "test_solution.py".',
            ),
            (
                {"language": "python", "files": {"helper.py": "x"}, "testSuite": SUITE},
                'Python /submit requires a "solution.py" file.',
            ),
            (
                {"language": "cpp", "files": {"solution.cpp": "x", "test.cpp": "x"}, "testSuite": SUITE},
                'files must not include "test.cpp".',
            ),
            (
                {"language": "cpp", "files": {"solution.h": "x"}, "testSuite": SUITE},
                'C++ /submit requires a "solution.cpp" file.',
            ),
            (
                {
                    "language": "cpp",
                    "files": {"solution.cpp": "x", "a.cpp": "x", "b.cpp": "x"},
                    "testSuite": SUITE,
                },
                'C++ /submit supports "solution.cpp" plus optional headers only. Remove: a.cpp, b.cpp',
            ),
            (
                {"language": "sql", "files": {"query.sql": "x"}, "testSuite": SUITE},
                'SQL /submit requires a "solution.sql" file.',
            ),
            (
                {"language": "sql", "files": {"solution.sql": "x", "extra.sql": "x"}, "testSuite": SUITE},
                "SQL /submit supports only solution.sql. Remove: extra.sql",
            ),
            ({"language": "python", "testSuite": SUITE}, "code is required non-empty string."),
            (
                {"language": "python", "code": "\n\t", "testSuite": SUITE},
                "code is required non-empty string.",
            ),
            (
                {"language": "python", "code": "x" * 200_000, "testSuite": SUITE},
                "Total code exceeds maximum length of 200000 characters.",
            ),
            (
                {"language": "python", "code": "x", "testSuite": "\ud800"},
                "testSuite must be valid UTF-8 text.",
            ),
            (
                {"language": "python", "files": {"solution.py": "x", "conftest.py": "x"}, "testSuite": SUITE},
                "Submission refused: file name not allowed: conftest.py.",
            ),
        ],
    )
    async def test_bad_input_is_400_with_the_contract_message(self, client, body, message):
        r = await client.post("/submit", content=json.dumps(body), headers=JSON)
        assert r.status_code == 400
        assert r.json() == {"error": message}

    async def test_missing_body_is_test_suite_required(self, client):
        r = await client.post("/submit")
        assert r.status_code == 400
        assert r.json() == {
            "error": "testSuite is required for graded execution. Use /run for code-only execution."
        }

    async def test_java_file_named_like_the_suite_is_answered_without_judging(self, client):
        files = {"Solution.java": solution("java", "accepted"), "SolutionTest.java": "class SolutionTest {}"}
        r = await client.post("/submit", json={"files": files, "testSuite": suite("java")})
        assert r.status_code == 200
        assert r.json() == {
            "success": False,
            "passedTests": [],
            "failedTests": [],
            "stdout": "",
            "stderr": 'User files include "SolutionTest.java", which conflicts with the test suite filename.',
            "executionTimeMs": 0,
        }


class TestSubmitVerdicts:
    @pytest.mark.parametrize("language", LANGUAGES)
    async def test_accepted(self, client, language):
        body = {"language": language, "code": solution(language, "accepted"), "testSuite": suite(language)}
        r = await client.post("/submit", json=body)
        assert r.status_code == 200
        result = r.json()
        assert result["success"] is True and result["verdict"] == "accepted"
        assert result["passedTests"] == ALL_TESTS and result["failedTests"] == []
        assert result["exitCode"] == 0 and result["timedOut"] is False
        assert [t["name"] for t in result["tests"]] == ALL_TESTS
        assert {t["status"] for t in result["tests"]} == {"passed"}
        assert set(result["tests"][0]) == {"name", "status", "timeMs", "message"}
        assert isinstance(result["executionTimeMs"], int) and set(result["timings"]) == {
            "queueMs",
            "sandboxMs",
            "cpuMs",
            "totalMs",
        }

    @pytest.mark.parametrize(
        ("language", "failed"),
        [
            ("python", ["test_case_3", "test_case_7"]),
            ("cpp", ["test_case_3"]),
            ("sql", ["test_case_4", "test_case_7"]),
            ("java", ["test_case_3"]),
        ],
    )
    async def test_wrong_answer_names_the_failed_tests(self, client, language, failed):
        body = {
            "language": language,
            "code": solution(language, "wrong_answer"),
            "testSuite": suite(language),
        }
        result = (await client.post("/submit", json=body)).json()
        assert result["success"] is False and result["verdict"] == "wrong_answer"
        assert result["failedTests"] == failed
        assert result["passedTests"] == [n for n in ALL_TESTS if n not in failed]
        assert {t["status"] for t in result["tests"] if t["name"] in failed} == {"failed"}

    async def test_files_mode_grades_solution_py(self, client):
        body = {
            "language": "python",
            "files": {"solution.py": solution("python", "accepted")},
            "testSuite": suite("python"),
        }
        assert (await client.post("/submit", json=body)).json()["verdict"] == "accepted"

    async def test_compile_error_reports_compile_output(self, client):
        body = {
            "language": "cpp",
            "code": "long long solve(long long x) { return y; }\n",
            "testSuite": suite("cpp"),
        }
        result = (await client.post("/submit", json=body)).json()
        assert result["verdict"] == "compile_error" and result["success"] is False
        assert "error" in result["compileOutput"] and result["failedTests"] == ALL_TESTS

    async def test_early_exit_fails_every_test_not_run(self, client):
        code = "import os\nos._exit(0)\n"
        body = {"language": "python", "code": code, "testSuite": suite("python")}
        result = (await client.post("/submit", json=body)).json()
        assert result["success"] is False and result["passedTests"] == []

    async def test_default_language_is_java(self, client):
        body = {"code": solution("java", "accepted"), "testSuite": suite("java")}
        assert (await client.post("/submit", json=body)).json()["verdict"] == "accepted"


class TestSubmissionRecords:
    @pytest.fixture
    async def learner(self, client, db, identity):
        user = await make_user(db, identity)
        token = (await login(client, email=user.email)).json()["accessToken"]
        return user, {**bearer(token), **csrf_headers(client)}

    async def _activity(self, db, owner, language="python", **kwargs):
        problem = make_problem(problem_id="p-1", language=language, test_suite=suite(language))
        return await make_activity(db, owner=owner, problems=[problem], **kwargs)

    async def test_a_submission_to_a_stored_problem_is_recorded_with_its_verdict(self, client, db, learner):
        user, headers = learner
        activity = await self._activity(db, user)
        body = {
            "language": "python",
            "code": solution("python", "wrong_answer"),
            "testSuite": suite("python"),
            "activityId": activity.id,
            "problemId": "p-1",
        }
        r = await client.post("/submit", json=body, headers=headers)
        assert r.status_code == 200
        [row] = await judge_service.list_submissions(db, user_id=user.id)
        assert (row.activity_id, row.problem_id, row.language) == (activity.id, "p-1", "python")
        assert row.code == body["code"] and row.success is False and row.verdict == "wrong_answer"
        assert (row.passed_tests, row.total_tests) == (6, 8)
        assert row.id.startswith("sub_")
        assert [t["status"] for t in row.tests].count("failed") == 2

    async def test_files_mode_stores_the_files_map_as_json(self, client, db, learner):
        user, headers = learner
        activity = await self._activity(db, user, language="sql")
        files = {"solution.sql": solution("sql", "accepted")}
        body = {
            "language": "sql",
            "files": files,
            "testSuite": "x",
            "activityId": activity.id,
            "problemId": "p-1",
        }
        await client.post("/submit", json=body, headers=headers)
        [row] = await judge_service.list_submissions(db, user_id=user.id)
        assert json.loads(row.code) == files and row.success is True

    @pytest.mark.parametrize("target", ["no ids", "unknown activity", "unknown problem", "foreign draft"])
    async def test_nothing_is_stored_without_a_problem_the_caller_may_see(
        self, client, db, identity, learner, target
    ):
        user, headers = learner
        other = await make_user(db, identity)
        activity = await self._activity(db, other if target == "foreign draft" else user)
        ids = {
            "no ids": {},
            "unknown activity": {"activityId": "nope", "problemId": "p-1"},
            "unknown problem": {"activityId": activity.id, "problemId": "p-9"},
            "foreign draft": {"activityId": activity.id, "problemId": "p-1"},
        }[target]
        body = {
            "language": "python",
            "code": solution("python", "accepted"),
            "testSuite": suite("python"),
            **ids,
        }
        r = await client.post("/submit", json=body, headers=headers)
        assert r.status_code == 200 and r.json()["success"] is True
        assert await judge_service.list_submissions(db, user_id=user.id) == []

    async def test_someone_elses_published_problem_is_recorded_for_the_learner(
        self, client, db, identity, learner
    ):
        user, headers = learner
        activity = await self._activity(db, await make_user(db, identity), published=True)
        body = {
            "language": "python",
            "code": solution("python", "accepted"),
            "testSuite": "garbage",
            "activityId": activity.id,
            "problemId": "p-1",
        }
        r = await client.post("/submit", json=body, headers=headers)
        assert r.json()["verdict"] == "accepted"  # graded with the stored suite
        [row] = await judge_service.list_submissions(db, user_id=user.id)
        assert row.success is True

    async def test_anonymous_caller_is_graded_and_nothing_is_stored(self, client, db, identity):
        user = await make_user(db, identity)
        activity = await self._activity(db, user, published=True)
        body = {
            "language": "python",
            "code": solution("python", "accepted"),
            "testSuite": suite("python"),
            "activityId": activity.id,
            "problemId": "p-1",
        }
        r = await client.post("/submit", json=body, headers=bearer("not-a-token"))
        assert r.status_code == 200 and r.json()["success"] is True
        assert await judge_service.list_submissions(db, user_id=user.id) == []


class FakeSuites:
    def __init__(self, stored: StoredSuite) -> None:
        self.stored = stored
        self.asked: list[tuple[str, str]] = []

    async def find_suite(
        self, *, activity_id: str, problem_id: str, user_id: str | None
    ) -> StoredSuite | None:
        self.asked.append((activity_id, problem_id))
        return self.stored if (activity_id, problem_id) == ("act-1", "p-1") else None


class TestStoredSuites:
    @pytest.fixture
    def suites(self, app):
        fake = FakeSuites(StoredSuite(language="python", test_suite=suite("python")))
        app.dependency_overrides[get_suite_source] = lambda: fake
        yield fake
        app.dependency_overrides.clear()

    async def test_a_forged_client_suite_is_ignored(self, client, suites):
        forged = "import pytest\nfrom solution import solve\n" + "".join(
            f"\ndef test_case_{i}():\n    assert True\n" for i in range(1, 9)
        )
        body = {
            "language": "python",
            "code": solution("python", "wrong_answer"),
            "testSuite": forged,
            "activityId": "act-1",
            "problemId": "p-1",
        }
        result = (await client.post("/submit", json=body)).json()
        assert result["verdict"] == "wrong_answer" and result["failedTests"] == ["test_case_3", "test_case_7"]
        assert suites.asked == [("act-1", "p-1")]

    async def test_the_stored_suite_grades_even_a_broken_client_suite(self, client, suites):
        body = {
            "language": "python",
            "code": solution("python", "accepted"),
            "testSuite": "def test_case_1():\n    assert False\n",
            "activityId": "act-1",
            "problemId": "p-1",
        }
        assert (await client.post("/submit", json=body)).json()["verdict"] == "accepted"

    async def test_a_problem_without_stored_suite_uses_the_clients(self, client, suites):
        body = {
            "language": "python",
            "code": solution("python", "accepted"),
            "testSuite": suite("python"),
            "activityId": "other",
            "problemId": "p-1",
        }
        assert (await client.post("/submit", json=body)).json()["verdict"] == "accepted"

    async def test_the_stored_grade_is_recorded_as_stored(self, client, db, identity, suites):
        user = await make_user(db, identity)
        token = (await login(client, email=user.email)).json()["accessToken"]
        body = {
            "language": "python",
            "code": solution("python", "accepted"),
            "testSuite": "garbage",
            "activityId": "act-1",
            "problemId": "p-1",
        }
        await client.post("/submit", json=body, headers={**bearer(token), **csrf_headers(client)})
        [row] = await judge_service.list_submissions(db, user_id=user.id)
        assert row.success is True

    async def test_another_language_than_the_problems_is_400(self, client, suites):
        body = {
            "language": "cpp",
            "code": solution("cpp", "accepted"),
            "testSuite": suite("cpp"),
            "activityId": "act-1",
            "problemId": "p-1",
        }
        r = await client.post("/submit", json=body)
        assert r.status_code == 400
        assert r.json() == {"error": 'Language "cpp" does not match the problem\'s language "python".'}
