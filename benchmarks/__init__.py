"""Benchmarks of salesxl at a national sales force's size; see benchmarks/README.md."""
