import json

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from stance.data import read_instances
from stance.models import CheckpointError, build_model, load_checkpoint, save_checkpoint
from stance.models.base import Intermediate

TFIDF = OmegaConf.create(
    {"name": "tfidf_lr", "kind": "tfidf_lr", "C": 4.0, "word_ngrams": [1, 2], "char_ngrams": [2, 5]}
)


def _save(model, folder, task="stance"):
    meta_cfg = {"model": OmegaConf.to_container(model.cfg) if model.cfg is not None else {}}
    return save_checkpoint(model, folder, config=meta_cfg, data_hash="0" * 64, metrics={}, card="card")


def test_tfidf_learns_and_round_trips(instances_file, tmp_path):
    ds = read_instances(instances_file)
    model = build_model(TFIDF, "joint")
    model.fit(ds, seed=0)
    proba = model.predict_proba(ds.to_list())
    assert set(proba) == {"stance", "sentiment"}
    pred = np.array(model.labels["stance"])[proba["stance"].argmax(1)]
    assert (pred == np.array(ds["stance"])).mean() > 0.9  # the verbs give the label away
    loaded = load_checkpoint(_save(model, tmp_path / "ckpt"))
    np.testing.assert_allclose(loaded.predict_proba(ds.to_list())["stance"], proba["stance"])


def test_majority_predicts_the_prior(instances_file, tmp_path):
    ds = read_instances(instances_file).select(range(5))  # support, oppose, neutral, support, oppose
    model = build_model(OmegaConf.create({"name": "majority", "kind": "majority"}), "stance")
    model.fit(ds)
    p = model.predict_proba([ds[0]])["stance"][0]
    assert p.argmax() in (0, 1) and p[2] == pytest.approx(0.2, abs=1e-3)
    assert load_checkpoint(_save(model, tmp_path / "m")).prior == model.prior


def test_checkpoint_refuses_tampering_and_foreign_labels(instances_file, tmp_path):
    model = build_model(OmegaConf.create({"name": "majority", "kind": "majority"}), "stance")
    model.fit(read_instances(instances_file))
    folder = _save(model, tmp_path / "c")
    (folder / "prior.json").write_text('{"stance": [1, 0, 0]}')
    with pytest.raises(CheckpointError, match="does not match its sha256"):
        load_checkpoint(folder)
    folder = _save(model, tmp_path / "d")
    meta = json.loads((folder / "stance_checkpoint.json").read_text())
    meta["labels"]["stance"] = ["pro", "anti", "neutral"]
    (folder / "stance_checkpoint.json").write_text(json.dumps(meta))
    from stance.io import sha256_file

    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["stance_checkpoint.json"] = sha256_file(folder / "stance_checkpoint.json")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CheckpointError, match="label maps"):
        load_checkpoint(folder)
    with pytest.raises(CheckpointError, match="trained for task='stance', not task='sentiment'"):
        load_checkpoint(_save(model, tmp_path / "e"), task="sentiment")
    (tmp_path / "e" / "extra.bin").write_bytes(b"x")
    with pytest.raises(CheckpointError, match="not in the manifest"):
        load_checkpoint(tmp_path / "e")


def _tiny_cfg(tiny_bert, kind="finetune", input="marked"):
    return OmegaConf.create(
        {
            "name": "tiny",
            "kind": kind,
            "input": input,
            "pretrained": str(tiny_bert),
            "max_length": 64,
            "use_context": True,
            "dropout": 0.0,
            "C": 1.0,
        }
    )


TRAINER = OmegaConf.create(
    {
        "epochs": 2,
        "batch_size": 8,
        "eval_batch_size": 16,
        "lr": 1e-3,
        "head_lr": 1e-2,
        "weight_decay": 0.0,
        "warmup_ratio": 0.1,
        "patience": 2,
        "dev_fraction": 0.2,
        "class_weights": True,
        "threads": 1,
        "intermediate_epochs": 1,
    }
)


@pytest.mark.parametrize("task,input", [("stance", "marked"), ("joint", "marked"), ("joint", "span")])
def test_tiny_transformer_trains_saves_and_reloads(instances_file, tiny_bert, tmp_path, task, input):
    ds = read_instances(instances_file)
    model = build_model(_tiny_cfg(tiny_bert, input=input), task)
    model.fit(ds.select(range(18)), ds.select(range(18, 24)), TRAINER, seed=0)
    rows = ds.to_list()
    proba = model.predict_proba(rows, batch_size=5)
    for head, p in proba.items():
        assert p.shape == (24, 3) and np.allclose(p.sum(1), 1, atol=1e-5)
    loaded = load_checkpoint(_save(model, tmp_path / "t"))
    for head in proba:
        np.testing.assert_allclose(loaded.predict_proba(rows)[head], proba[head], atol=1e-5)
    assert not list((tmp_path / "t").rglob("*.bin")) and (tmp_path / "t" / "model.safetensors").is_file()


def test_marker_pooling_sees_which_pair(tiny_bert, instances_file):
    """The same sentence with different marked actors must give different features."""
    ds = read_instances(instances_file)
    model = build_model(_tiny_cfg(tiny_bert), "stance")
    model.names = {}
    model._build()
    row = ds[0]
    other = dict(row, actor="UN", actor_mention="statement", actor_start=-1)
    enc = model.encode([row, other])
    feats = model.net.features(**enc.batch([0, 1]))
    assert not np.allclose(feats[0].detach().numpy(), feats[1].detach().numpy())


def test_frozen_lr_round_trip(instances_file, tiny_bert, tmp_path):
    ds = read_instances(instances_file)
    model = build_model(_tiny_cfg(tiny_bert, "frozen_lr"), "stance")
    model.fit(ds, None, TRAINER, seed=0)
    proba = model.predict_proba(ds.to_list())["stance"]
    loaded = load_checkpoint(_save(model, tmp_path / "f"))
    np.testing.assert_allclose(loaded.predict_proba(ds.to_list())["stance"], proba, atol=1e-5)
    assert not list((tmp_path / "f").glob("*.skops"))


def _span_model(tiny_bert, instances_file):
    ds = read_instances(instances_file)
    model = build_model(_tiny_cfg(tiny_bert, input="span"), "joint")
    model.fit(ds.select(range(18)), None, TRAINER, seed=0)
    return model, ds.to_list()


def test_span_input_encodes_each_sentence_once_and_batches_do_not_change_results(tiny_bert, instances_file):
    model, rows = _span_model(tiny_bert, instances_file)
    # three pairs on one sentence: the actor moves, so the pooled features must differ while the encoder runs once
    base = rows[0]
    pairs = [dict(base, actor=a, actor_mention=m, actor_start=-1) for a, m in (("UN", "statement"), ("X", None))]
    enc = model.encode([base, *pairs])
    batch = enc.batch([0, 1, 2])
    assert batch["input_ids"].shape[0] == 1 and batch["sentence_index"].tolist() == [0, 0, 0]
    model.net.eval()
    feats = model.net.features(**batch).detach().numpy()
    assert not np.allclose(feats[0], feats[1]) and not np.allclose(feats[0], feats[2])
    one_by_one = np.concatenate([model.predict_proba([r], batch_size=1)["stance"] for r in rows])
    np.testing.assert_allclose(model.predict_proba(rows, batch_size=3)["stance"], one_by_one, atol=1e-5)
    for idx in enc.inference_batches(1):  # a batch never splits a sentence
        assert len(set(enc.sentence[idx])) == 1


@pytest.mark.parametrize("precision,min_agreement", [("int8", 0.9), ("bf16", 0.9)])
def test_reduced_precision_stays_close_to_fp32(tiny_bert, instances_file, tmp_path, precision, min_agreement):
    from stance.models.transformer import native_bf16

    if precision == "bf16" and not native_bf16():
        pytest.skip("this CPU has no native bf16")
    model, rows = _span_model(tiny_bert, instances_file)
    folder = _save(model, tmp_path / "p", task="joint")
    fp32 = load_checkpoint(folder).predict_proba(rows)
    reduced = load_checkpoint(folder).set_precision(precision)
    low = reduced.predict_proba(rows)
    for head in fp32:
        assert np.abs(low[head] - fp32[head]).max() < 0.1
        assert (low[head].argmax(1) == fp32[head].argmax(1)).mean() >= min_agreement
    with pytest.raises(ValueError, match="inference only"):
        reduced.save_files(tmp_path)
    with pytest.raises(ValueError, match="unknown"):
        load_checkpoint(folder).set_precision("fp8")


def test_precision_auto_follows_the_cpu_and_bf16_is_refused_without_it(monkeypatch, tiny_bert):
    from stance.models import transformer

    model = build_model(_tiny_cfg(tiny_bert), "stance")
    monkeypatch.setattr(transformer, "native_bf16", lambda: False)
    assert transformer.resolve_precision("auto") == "fp32"
    with pytest.raises(ValueError, match="native bf16"):
        model.set_precision("bf16")
    monkeypatch.setattr(transformer, "native_bf16", lambda: True)
    assert transformer.resolve_precision("auto") == "bf16" and transformer.resolve_precision("int8") == "int8"


def test_intermediate_training_runs_once_per_run_and_is_reused(tiny_bert, instances_file, monkeypatch):
    """Two folds of one run: the transfer phase is trained for the first and its weights are reused by the second."""
    from stance.models import finetune

    ds = read_instances(instances_file)
    transfer = Intermediate([("other", ds.select(range(12, 24)))])
    phases = []
    real = finetune.run_epochs
    monkeypatch.setattr(finetune, "run_epochs", lambda *a, **k: phases.append(k.get("phase", "train")) or real(*a, **k))
    after_transfer = []
    real_intermediate = finetune._intermediate

    def spy(model, *a, **k):
        real_intermediate(model, *a, **k)
        after_transfer.append({n: t.clone() for n, t in model.net.state_dict().items()})

    monkeypatch.setattr(finetune, "_intermediate", spy)
    for fold in (range(12), range(6, 18)):
        torch.manual_seed(0)
        build_model(_tiny_cfg(tiny_bert), "stance").fit(ds.select(fold), None, TRAINER, seed=0, intermediate=transfer)
    assert phases == ["intermediate:other", "train", "train"]
    assert len(transfer.trained) == 1
    for name, tensor in after_transfer[0].items():
        assert torch.equal(tensor, after_transfer[1][name]), name
