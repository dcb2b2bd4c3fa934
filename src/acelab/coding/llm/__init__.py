"""LLM providers (codemm.md §12): one interface, OpenAI-compatible, Anthropic and Gemini adapters."""
