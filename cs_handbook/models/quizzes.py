"""Models of the quizzes area (filled in by its issue)."""
