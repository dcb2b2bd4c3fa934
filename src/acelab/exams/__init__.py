"""Exam sessions: heartbeats, events, flags, submit, terminate, invalidate (ace.md §8, §11.11-11.13)."""
