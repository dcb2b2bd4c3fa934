# ruff: noqa
def solve(x, echo=False):
    return 2 * x


return solve
