"""Models of the drill area (filled in by its issue)."""
