"""Models of the report_cards app."""
