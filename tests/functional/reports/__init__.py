"""Tests of the reports area: dashboards, drill-down, quiz report, exports, roll-ups."""
