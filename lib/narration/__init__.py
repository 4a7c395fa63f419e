"""Facts → prompt → Ollama → text, checked and cached; templates when the model cannot help."""
