"""Data layer: readers that validate files at the boundary and return `datasets.Dataset`s of one schema."""

from stance.data.readers import DataError, load_data, read_articles, read_dse, read_instances, read_newsmtsc
from stance.data.schema import INSTANCE_FEATURES

__all__ = [
    "DataError",
    "INSTANCE_FEATURES",
    "load_data",
    "read_articles",
    "read_dse",
    "read_instances",
    "read_newsmtsc",
]
