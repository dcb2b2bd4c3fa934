# ruff: noqa
import pytest
from solution import solve


def test_case_1():
    assert solve(1) == 2


def test_case_2():
    assert solve(2) == 4


def test_case_3():
    assert solve(3) == 6


def test_case_4():
    with pytest.raises(ValueError):
        solve(-1)


def test_case_5(capsys):
    solve(5, echo=True)
    captured = capsys.readouterr()
    assert captured.out == "10\n"


def test_case_6():
    assert solve(0) == 0


def test_case_7():
    assert solve(7) == 14


def test_case_8():
    assert solve(100) == 200
