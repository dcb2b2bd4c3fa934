"""POST /run through HTTP on the real sandbox (codemm.md §13.7)."""

import json

import pytest

JSON = {"content-type": "application/json"}

PY_NAME = r"/^[A-Za-z_][A-Za-z0-9_]*\.py$/"
JAVA_MAIN = (
    "public class Main {\n    public static void main(String[] args) {\n"
    '        System.out.println("hi");\n    }\n}\n'
)


class TestRunValidation:
    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({}, "Invalid language."),
            ({"language": "rust", "code": "x"}, "Invalid language."),
            ({"language": 3, "code": "x"}, "Invalid language."),
            ({"language": "sql", "code": "SELECT 1"}, 'Language "sql" is not supported for /run yet.'),
            ({"language": "python", "code": "x", "stdin": 5}, "stdin must be a string."),
            ({"language": "python", "code": "x", "stdin": None}, "stdin must be a string."),
            (
                {"language": "python", "code": "x", "stdin": "a" * 50_001},
                "stdin exceeds maximum length of 50000 characters.",
            ),
            ({"language": "python", "files": {}}, "files must be a non-empty object."),
            ({"language": "python", "files": []}, "files must be a non-empty object."),
            (
                {"language": "python", "files": {f"m{i}.py": "x" for i in range(21)}},
                "Too many files. Max is 20.",
            ),
            (
                {"language": "java", "files": {f"M{i}.java": "x" for i in range(13)}},
                "Too many files. Max is 12.",
            ),
            (
                {"language": "cpp", "files": {f"m{i}.cpp": "x" for i in range(41)}},
                "Too many files. Max is 40.",
            ),
            (
                {"language": "python", "files": {"../main.py": "x"}},
                f'Invalid filename "../main.py". Must match {PY_NAME}.',
            ),
            (
                {"language": "python", "files": {"a/main.py": "x"}},
                f'Invalid filename "a/main.py". Must match {PY_NAME}.',
            ),
            ({"language": "python", "files": {"..": "x"}}, f'Invalid filename "..". Must match {PY_NAME}.'),
            (
                {"language": "python", "files": {"ma\u0000in.py": "x"}},
                f'Invalid filename "ma\u0000in.py". Must match {PY_NAME}.',
            ),
            (
                {"language": "python", "files": {"main.py\n": "x"}},
                f'Invalid filename "main.py\n". Must match {PY_NAME}.',
            ),
            (
                {"language": "cpp", "files": {"main.c": "x"}},
                r'Invalid filename "main.c". Must match /^[A-Za-z_][A-Za-z0-9_]*\.(?:cpp|h|hpp)$/.',
            ),
            (
                {"language": "java", "files": {"Main.kt": "x"}},
                r'Invalid filename "Main.kt". Must match /^[A-Za-z_][A-Za-z0-9_]*\.java$/.',
            ),
            (
                {"language": "python", "files": {"main.py": "  \n"}},
                'File "main.py" must be a non-empty string.',
            ),
            ({"language": "python", "files": {"main.py": 7}}, 'File "main.py" must be a non-empty string.'),
            (
                {"language": "python", "files": {"main.py": "x" * 150_001}, "stdin": "y" * 50_000},
                "Total code exceeds maximum length of 200000 characters.",
            ),
            ({"language": "python", "files": {"other.py": "x"}}, 'Python /run requires a "main.py" file.'),
            ({"language": "cpp", "files": {"util.cpp": "x"}}, 'C++ /run requires a "main.cpp" file.'),
            ({"language": "python"}, "Provide either code (string) or files (object)."),
            ({"language": "python", "code": "   "}, "Provide either code (string) or files (object)."),
            ({"language": "python", "code": ["x"]}, "Provide either code (string) or files (object)."),
            (
                {"language": "python", "code": "x" * 199_999, "stdin": "ab"},
                "Code exceeds maximum length of 200000 characters.",
            ),
            (
                {"language": "python", "code": "print(1)\n", "stdin": "\ud800"},
                "stdin must be valid UTF-8 text.",
            ),
            ({"language": "python", "code": "x = '\udfff'\n"}, 'File "main.py" must be valid UTF-8 text.'),
        ],
    )
    async def test_bad_input_is_400_with_the_contract_message(self, client, body, message):
        # json.dumps escapes lone surrogates as \ud800, as a JavaScript client would send them.
        r = await client.post("/run", content=json.dumps(body), headers=JSON)
        assert r.status_code == 400
        assert r.json() == {"error": message}

    async def test_missing_body_is_invalid_language(self, client):
        r = await client.post("/run")
        assert r.status_code == 400
        assert r.json() == {"error": "Invalid language."}

    async def test_malformed_json_is_400_json(self, client):
        r = await client.post("/run", content=b"{nope", headers=JSON)
        assert r.status_code == 400
        assert set(r.json()) == {"error"}

    async def test_bytes_that_are_not_utf8_are_400(self, client):
        body = b'{"language": "python", "code": "print(\xff)"}'
        r = await client.post("/run", content=body, headers=JSON)
        assert r.status_code == 400
        assert set(r.json()) == {"error"}

    async def test_ten_megabyte_body_is_413(self, client):
        r = await client.post("/run", json={"language": "python", "code": "#" * (10 << 20)})
        assert r.status_code == 413

    async def test_invalid_java_main_class_is_200_with_stderr(self, client):
        body = {"language": "java", "files": {"Main.java": JAVA_MAIN}, "mainClass": "Main; rm -rf /"}
        r = await client.post("/run", json=body)
        assert r.status_code == 200
        assert r.json() == {"stdout": "", "stderr": 'Invalid mainClass "Main; rm -rf /".'}

    async def test_java_without_main_is_200_with_the_contract_stderr(self, client):
        r = await client.post("/run", json={"language": "java", "code": "public class A { int x; }"})
        assert r.status_code == 200
        assert r.json() == {
            "stdout": "",
            "stderr": "No runnable Java entrypoint found. Add `public static void main(String[] args)` "
            "to a class, or specify mainClass.",
        }


class TestRunPython:
    async def test_echoes_stdin_with_exit_code_and_timings(self, client):
        r = await client.post(
            "/run", json={"language": "python", "code": "print(input().upper())", "stdin": "hi\n"}
        )
        assert r.status_code == 200
        body = r.json()
        assert body["stdout"] == "HI\n" and body["stderr"] == ""
        assert body["verdict"] == "accepted" and body["exitCode"] == 0 and body["timedOut"] is False
        assert set(body["timings"]) == {"queueMs", "sandboxMs", "cpuMs", "totalMs"}

    async def test_files_mode_imports_a_sibling_module(self, client):
        files = {
            "main.py": "from util import twice\nprint(twice(21))\n",
            "util.py": "def twice(x):\n    return 2 * x\n",
        }
        r = await client.post("/run", json={"language": "python", "files": files})
        assert r.json()["stdout"] == "42\n"

    async def test_exit_code_is_reported(self, client):
        r = await client.post("/run", json={"language": "python", "code": "import sys\nsys.exit(3)\n"})
        body = r.json()
        assert r.status_code == 200
        assert body["exitCode"] == 3 and body["verdict"] == "runtime_error" and body["timedOut"] is False

    async def test_spinning_program_times_out(self, client):
        r = await client.post("/run", json={"language": "python", "code": "while True:\n    pass\n"})
        body = r.json()
        assert r.status_code == 200
        assert body["timedOut"] is True and body["verdict"] == "time_limit"

    async def test_binary_output_is_returned_as_text(self, client):
        code = "import sys\nsys.stdout.buffer.write(bytes(range(256)))\n"
        r = await client.post("/run", json={"language": "python", "code": code})
        assert r.status_code == 200 and r.json()["verdict"] == "accepted"

    async def test_nul_bytes_in_code_end_in_a_verdict(self, client):
        r = await client.post("/run", json={"language": "python", "code": "print(1)\u0000\n"})
        assert r.status_code == 200 and r.json()["verdict"] in {"accepted", "compile_error", "runtime_error"}

    async def test_no_file_outlives_the_job(self, client, settings):
        code = "open('/box/left.txt', 'w').write('x')\nopen('/tmp/left.txt', 'w').write('x')\n"
        r = await client.post("/run", json={"language": "python", "code": code})
        assert r.json()["verdict"] == "accepted"
        assert list(settings.judge_work_dir.iterdir()) == []

    async def test_reading_secrets_fails_inside_the_sandbox(self, client):
        code = (
            "import os\nprint(os.path.exists('/etc/shadow'), sorted(os.environ).count('ACELAB_JWT_SECRET'))\n"
        )
        r = await client.post("/run", json={"language": "python", "code": code})
        assert r.json()["stdout"] == "False 0\n"


class TestRunCpp:
    async def test_runs_with_exit_code(self, client):
        code = (
            "#include <iostream>\n"
            "int main() { std::string s; std::cin >> s; std::cout << s << 1; return 4; }\n"
        )
        r = await client.post("/run", json={"language": "cpp", "code": code, "stdin": "x"})
        body = r.json()
        assert body["stdout"] == "x1" and body["exitCode"] == 4 and body["verdict"] == "runtime_error"

    async def test_compile_error_is_200_with_compile_output(self, client):
        r = await client.post("/run", json={"language": "cpp", "code": "int main() { return x; }\n"})
        body = r.json()
        assert r.status_code == 200
        assert body["verdict"] == "compile_error"
        assert "error" in body["compileOutput"] and "error" in body["stderr"]


class TestRunJava:
    async def test_code_mode_runs_the_class(self, client):
        r = await client.post("/run", json={"language": "java", "code": JAVA_MAIN})
        body = r.json()
        assert body["stdout"] == "hi\n" and body["exitCode"] == 0 and body["verdict"] == "accepted"

    async def test_main_class_runs_the_named_class_wherever_it_is_declared(self, client):
        first = 'public class Main { public static void main(String[] a) { System.out.println("main"); } }\n'
        helper = (
            "public class Tools {}\n"
            'class Other {\n    public static void main(String[] a) { System.out.println("other"); }\n}\n'
        )
        files = {"Main.java": first, "Tools.java": helper}
        r = await client.post("/run", json={"language": "java", "files": files, "mainClass": "Other"})
        assert r.json()["stdout"] == "other\n"
        r = await client.post("/run", json={"language": "java", "files": files})
        assert r.json()["stdout"] == "main\n"

    async def test_main_class_without_main_is_a_runtime_error_not_a_refusal(self, client):
        files = {"Main.java": "public class Main { static int x; }\n"}
        r = await client.post("/run", json={"language": "java", "files": files, "mainClass": "Main"})
        body = r.json()
        assert body["verdict"] == "runtime_error" and "main method" in body["stderr"].lower()
