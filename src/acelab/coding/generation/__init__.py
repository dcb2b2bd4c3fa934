"""Problem generation: slots, the per-language problem contract, the per-slot pipeline."""
