"""Predict pipeline, one module per step: clean -> sentences -> mentions -> attribution -> candidates ->
classify (any checkpoint) -> aggregate into an actor x target table with evidence."""
