# ruff: noqa
def solve(x, echo=False):
    if x < 0:
        raise ValueError("negative")
    if echo:
        print(2 * x)
    return 2 * x
