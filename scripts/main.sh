#!/usr/bin/env bash
# The main job on the embedded seed corpus: set up; score the default model with leave-one-group-out; train it on
# all seeds; predict the seed articles; write the corpus report. Everything lands in experiments/runs/main/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet torch==2.13.0 -e .
py=.venv/bin/python
out=experiments/runs/main
$py scripts/train.py logger.progress=false hydra.run.dir=$out/logo
$py scripts/train.py logger.progress=false cv=0 trainer.dev_fraction=0 hydra.run.dir=$out/model
$py scripts/predict.py checkpoint=$out/model/checkpoint input=seeds output=$out/predictions.jsonl
$py scripts/report.py predictions=$out/predictions.jsonl output=$out/report period=year
echo "report: $out/report/report.md"
