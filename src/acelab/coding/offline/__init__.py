"""The offline problem library: original problems per language, drafted without an LLM.

LIBRARY lists every language's templates (see base.py for what a template is).
"""

import random

from acelab.coding.generation.slots import ProblemSlot
from acelab.coding.offline import base, cpp, java, python, sql

LIBRARY: dict[str, tuple[base.Template, ...]] = {
    "java": java.TEMPLATES,
    "cpp": cpp.TEMPLATES,
    "python": python.TEMPLATES,
    "sql": sql.TEMPLATES,
}


def draft_problem(slot: ProblemSlot, rng: random.Random) -> dict[str, object]:
    """A codemm.md §10.3 draft for the slot from the best-matching template, varied by rng."""
    templates = LIBRARY.get(slot.language, ())
    return base.draft(base.choose(templates, slot, rng), slot, rng)
