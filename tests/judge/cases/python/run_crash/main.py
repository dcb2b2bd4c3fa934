# ruff: noqa
raise SystemExit(3)
