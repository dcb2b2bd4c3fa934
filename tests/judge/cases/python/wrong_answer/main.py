# ruff: noqa
def solve(x, echo=False):
    if x < 0:
        raise ValueError("negative")
    if echo:
        print(2 * x)
    return 5 if x in (3, 7) else 2 * x
