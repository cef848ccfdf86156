"""Models of the documents area (filled in by its issue)."""
