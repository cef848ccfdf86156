"""Models of the qa area (filled in by its issue)."""
