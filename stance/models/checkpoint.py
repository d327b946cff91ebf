"""The checkpoint folder contract, shared by every model family.

    checkpoint/
      stance_checkpoint.json   kind, task, label maps, resolved config, training-data hash, metrics, versions
      manifest.json            sha256 of every other file, checked before anything is loaded
      README.md                model card
      <model files>            prior.json | <head>.skops | model.safetensors + tokenizer + config.json

Nothing here unpickles: skops loads against a trusted-type list, weights are safetensors.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import stance
from stance.io import atomic_write_json, replace_dir, sha256_file
from stance.labels import label_maps
from stance.models.base import StanceModel, model_class

META, MANIFEST = "stance_checkpoint.json", "manifest.json"


class CheckpointError(ValueError):
    """A checkpoint folder that is missing, incomplete, tampered with, or made for another task."""


def save_folder(folder: str | Path, write: Callable[[Path], None], meta_name: str, meta: dict) -> Path:
    """Write a model folder atomically: `write(tmp)` puts the files in, then the metadata and a manifest of
    sha256 digests are added and the folder is moved into place."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        write(tmp)
        atomic_write_json(tmp / meta_name, meta)
        files = sorted(p for p in tmp.rglob("*") if p.is_file() and p.name != MANIFEST)
        atomic_write_json(tmp / MANIFEST, {str(p.relative_to(tmp)): sha256_file(p) for p in files})
        replace_dir(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def verify_folder(folder: str | Path, meta_name: str) -> dict:
    """Check a folder against its manifest and return its metadata; raise CheckpointError with what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: no such checkpoint folder (train one with scripts/train.py)")
    if not (folder / MANIFEST).is_file() or not (folder / meta_name).is_file():
        raise CheckpointError(f"{folder}: not a complete checkpoint (no {MANIFEST} / {meta_name})")
    manifest = json.loads((folder / MANIFEST).read_text())
    for rel, digest in manifest.items():
        path = folder / rel
        if not path.is_file():
            raise CheckpointError(f"{folder}: file {rel} listed in the manifest is missing")
        if sha256_file(path) != digest:
            raise CheckpointError(f"{folder}: file {rel} does not match its sha256 in the manifest (modified?)")
    extra = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - set(manifest) - {MANIFEST}
    if extra:
        raise CheckpointError(f"{folder}: files not in the manifest: {sorted(extra)}")
    return json.loads((folder / meta_name).read_text())


def save_checkpoint(
    model: StanceModel, folder: str | Path, *, config: dict, data_hash: str, metrics: dict, card: str
) -> Path:
    meta = {
        "format_version": 1,
        "kind": model.kind,
        "task": model.task,
        "labels": model.labels,
        "config": config,
        "data_sha256": data_hash,
        "metrics": metrics,
        "versions": {"stance": stance.__version__, "python": platform.python_version()},
    }

    def write(tmp: Path) -> None:
        model.save_files(tmp)
        (tmp / "README.md").write_text(card, encoding="utf-8")

    return save_folder(folder, write, META, meta)


def verify_checkpoint(folder: str | Path) -> dict:
    return verify_folder(folder, META)


def load_checkpoint(folder: str | Path, *, task: str | None = None) -> StanceModel:
    """Load any model family's checkpoint; refuse one whose task or label maps differ from what is expected."""
    folder = Path(folder)
    meta = verify_checkpoint(folder)
    if task is not None and meta["task"] != task and task not in label_maps(meta["task"]):
        raise CheckpointError(f"{folder}: checkpoint was trained for task={meta['task']!r}, not task={task!r}")
    expected = label_maps(meta["task"])
    if meta["labels"] != expected:
        raise CheckpointError(
            f"{folder}: label maps {meta['labels']} differ from this version's {expected} for task={meta['task']!r}"
        )
    model = model_class(meta["kind"]).load_files(folder, meta)
    model.meta = meta
    return model
