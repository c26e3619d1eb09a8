"""Golden command-line outputs (see record.py)."""
