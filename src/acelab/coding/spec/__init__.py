"""SpecBuilder: ActivitySpec rules, patches, deterministic parsers, the dialogue turn (codemm.md §7, §8).

Everything here is pure (no database, no HTTP); the only I/O is the optional LLM call of the dialogue.
"""
