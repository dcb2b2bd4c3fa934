"""Practice: templates and timed or untimed practice sessions over a frozen question snapshot."""
