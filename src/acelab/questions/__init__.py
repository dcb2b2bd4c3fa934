"""Question bank: banks, topics, difficulties, questions with choices, and the review workflow."""
