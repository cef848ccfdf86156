"""Models of the training area (filled in by its issue)."""
