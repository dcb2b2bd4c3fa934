"""Demo content: a small exam package a new user can practise with (`acelab seed demo`)."""
