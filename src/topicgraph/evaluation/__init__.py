"""Evaluation and benchmarks: eval commands that print quality figures, benchmarks that print speed, synthetic data."""
