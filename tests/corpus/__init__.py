"""Generated corpus of foreign workbooks (built at test time, not committed)."""
