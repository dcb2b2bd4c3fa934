# ruff: noqa
def solve(x, echo=False):
    blocks = []
    while True:
        blocks.append(bytearray(16 << 20))
