"""acelab Python test harness (runs inside the sandbox under /usr/bin/python3).

usage: runner.py SUITE LEARNER_FILE...

Runs the suite's test functions in definition order with pytest semantics for what codemm suites
may use (plain asserts, pytest.raises/fail/skip, the capsys fixture) without pytest's start-up cost:
`import pytest` resolves to a small built-in module that forwards anything else to the real pytest.
Results go to the private result channel (see judge/languages/base.py), never to stdout.
"""

import io
import json
import linecache
import os
import re
import sys
import time
import traceback
import types
from typing import Any

# Read the key before any learner code exists in this process.
_KEY = os.read(int(os.environ["ACELAB_KEY_FD"]), 64).strip()
os.close(int(os.environ["ACELAB_KEY_FD"]))
_OUT = int(os.environ["ACELAB_RESULT_FD"])
_write = os.write
_dumps = json.dumps
_clock = time.perf_counter


def emit(**record: object) -> None:
    _write(_OUT, _KEY + b" " + _dumps(record).encode() + b"\n")


class Failed(BaseException):
    """pytest.fail / DID NOT RAISE (a BaseException, as in pytest, so `except Exception` misses it)."""


class Skipped(BaseException):
    pass


class RaisesContext:
    def __init__(self, expected: type[BaseException], match: str | None) -> None:
        self.expected = expected
        self.match_expr = match
        self.value: BaseException | None = None
        self.type: type[BaseException] | None = None

    def __enter__(self) -> "RaisesContext":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if exc_type is None:
            raise Failed(f"DID NOT RAISE {self.expected}")
        if not issubclass(exc_type, self.expected):
            return False
        self.type, self.value = exc_type, exc
        if self.match_expr is not None and not re.search(self.match_expr, str(exc)):
            raise Failed(f"Regex pattern did not match.\n Regex: {self.match_expr!r}\n Input: {str(exc)!r}")
        return True

    def match(self, regexp: str) -> bool:
        assert re.search(regexp, str(self.value)), (
            f"Regex pattern {regexp!r} does not match {str(self.value)!r}"
        )
        return True


def raises(
    expected: type[BaseException], *args: Any, match: str | None = None, **kwargs: Any
) -> RaisesContext:
    ctx = RaisesContext(expected, match)
    if not args:
        return ctx
    with ctx:
        args[0](*args[1:], **kwargs)
    return ctx


def fail(reason: str = "", pytrace: bool = True) -> None:
    raise Failed(reason)


def skip(reason: str = "", *, allow_module_level: bool = False) -> None:
    raise Skipped(reason)


class _PytestShim(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        # Anything beyond the fast subset comes from the real pytest (slow import, rare).
        shim = sys.modules.pop("pytest")
        try:
            import pytest as real
        finally:
            sys.modules["pytest"] = shim
        return getattr(real, name)


def _make_shim() -> types.ModuleType:
    shim = _PytestShim("pytest")
    shim.raises, shim.fail, shim.skip = raises, fail, skip  # type: ignore[attr-defined]  # dynamic module
    fail.Exception, skip.Exception = Failed, Skipped  # type: ignore[attr-defined]  # as pytest.fail.Exception
    return shim


class CaptureResult(tuple[str, str]):
    def __new__(cls, out: str, err: str) -> "CaptureResult":
        return super().__new__(cls, (out, err))

    @property
    def out(self) -> str:
        return self[0]

    @property
    def err(self) -> str:
        return self[1]


class CaptureFixture:
    """capsys: captures writes to sys.stdout / sys.stderr during the test."""

    def __init__(self) -> None:
        self._saved = (sys.stdout, sys.stderr)
        self._out, self._err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = self._out, self._err

    def readouterr(self) -> CaptureResult:
        res = CaptureResult(self._out.getvalue(), self._err.getvalue())
        for buf in (self._out, self._err):
            buf.seek(0)
            buf.truncate()
        return res

    def close(self) -> None:
        sys.stdout, sys.stderr = self._saved


def _describe(exc: BaseException) -> str:
    if isinstance(exc, AssertionError):
        if exc.args:
            return f"AssertionError: {exc.args[0]}"
        # No assertion rewriting here: show the failing assert statement itself.
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is None:
            return "AssertionError"
        line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno).strip()
        return f"AssertionError: {line}" if line else "AssertionError"
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def run_test(name: str, func: types.FunctionType) -> None:
    code = func.__code__
    params = code.co_varnames[: code.co_argcount]
    unknown = [p for p in params if p != "capsys"]
    emit(event="start", name=name)
    start = _clock()
    if unknown:
        emit(event="result", name=name, status="error", ms=0, message=f"fixture {unknown[0]!r} not found")
        return
    capture = CaptureFixture() if params else None
    status, message = "passed", ""
    try:
        func(*([capture] if capture else []))
    except (AssertionError, Failed) as exc:
        status, message = "failed", _describe(exc)
    except Skipped as exc:
        status, message = "failed", f"skipped: {exc}"
    except BaseException as exc:  # noqa: BLE001 - a test may raise anything, SystemExit included
        status, message = "error", _describe(exc)
    finally:
        if capture:
            capture.close()
    emit(event="result", name=name, status=status, ms=int((_clock() - start) * 1000), message=message[:2000])


def main() -> None:
    suite_path, learner = sys.argv[1], sys.argv[2:]
    for path in learner:
        try:
            with open(path, encoding="utf-8") as f:
                compile(f.read(), path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
            emit(event="compile_error", message="".join(traceback.format_exception_only(type(exc), exc)))
            return
    sys.modules["pytest"] = _make_shim()
    sys.path.insert(0, os.path.dirname(os.path.abspath(suite_path)))
    module = types.ModuleType("test_solution")
    module.__file__ = suite_path
    sys.modules["test_solution"] = module
    try:
        with open(suite_path, encoding="utf-8") as f:
            code = compile(f.read(), suite_path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        emit(event="suite_error", message="".join(traceback.format_exception_only(type(exc), exc)))
        return
    try:
        exec(code, module.__dict__)  # imports the learner's solution
    except ImportError as exc:
        emit(event="compile_error", message=_describe(exc))
        return
    except BaseException as exc:  # noqa: BLE001 - learner code at import time may raise anything
        emit(event="start", name="<import>")
        emit(event="result", name="<import>", status="error", ms=0, message=_describe(exc))
        return
    for name, func in list(module.__dict__.items()):
        if name.startswith("test") and isinstance(func, types.FunctionType):
            run_test(name, func)


main()
