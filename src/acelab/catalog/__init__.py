"""Exam packages, tiers and enrollments (ace.md §5)."""
