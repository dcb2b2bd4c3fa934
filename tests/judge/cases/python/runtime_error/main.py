# ruff: noqa
def solve(x, echo=False):
    return [][x]
