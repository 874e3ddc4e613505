"""carepath's simulation core: people as numpy columns, organisations as Mesa agents.

Start with `model.api.run` (one run) or `model.api.build_model` (step by step).
"""
