"""Learner profiles (mastery from graded submissions) and per-user LLM keys (codemm.md §4, §14.3)."""
