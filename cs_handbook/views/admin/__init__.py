"""Administration: staff accounts, grants, the roster import and the audit log."""
