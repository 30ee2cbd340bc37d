"""Storage: the typed model, the engine set-up and the migrations."""
