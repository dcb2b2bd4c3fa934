"""SpecBuilder sessions: the `/sessions` chat, its tables, and the state machine generation drives."""
