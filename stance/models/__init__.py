"""Model families behind one contract: fit on a Dataset, predict per-head probabilities, save/load a folder."""

from stance.models.base import StanceModel, build_model
from stance.models.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

__all__ = ["CheckpointError", "StanceModel", "build_model", "load_checkpoint", "save_checkpoint"]
