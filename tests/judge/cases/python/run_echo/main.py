# ruff: noqa
import sys

print(sys.stdin.read().upper(), end="")
