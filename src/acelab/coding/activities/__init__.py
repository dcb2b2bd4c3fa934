"""Activities: generated problem sets, their publication and the community listing (codemm.md §5)."""
