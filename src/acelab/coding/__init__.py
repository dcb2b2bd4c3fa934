"""Codemm: the SpecBuilder dialogue, the planner, problem generation and the LLM providers."""
