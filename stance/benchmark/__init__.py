"""The inference benchmark (scripts/benchmark.py): speed corpus, variants, hardware limits, memory at scale."""
