# ruff: noqa
def solve(x, echo=False):
    while True:
        print("spam" * 1000)
