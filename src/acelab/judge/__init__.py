"""Sandboxed judge core: bubblewrap sandbox, per-language run/grade, verdicts (no HTTP, no DB)."""
