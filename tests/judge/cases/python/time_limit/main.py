# ruff: noqa
def solve(x, echo=False):
    while True:
        pass
