"""The corpus view on a small hand-made predictions file: counts and indices computed by hand."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from stance.report.render import write_report
from stance.report.table import aggregate_table, cells_frame, load_predictions, period_of
from tests.conftest import ROOT


def _cell(actor, target, s, o, n, stance="support", p=0.8):
    return {
        "actor": actor,
        "target": target,
        "instances": s + o + n,
        "stance": stance,
        "stance_probability": p,
        "stance_counts": {"support": s, "oppose": o, "neutral": n},
        "evidence": [{"text": f"{actor} on {target}", "probability": p}],
    }


RECORDS = [
    {"id": "a1", "date": "2019-02-01", "cells": [_cell("RUS", "LNA", 3, 0, 1), _cell("TUR", "LNA", 0, 2, 0, "oppose")]},
    {"id": "a2", "date": "2019-05-03", "cells": [_cell("RUS", "LNA", 1, 1, 0, "uncertain", 0.45)]},
    {"id": "a3", "date": "2020-07", "cells": [_cell("RUS", "LNA", 0, 2, 2, "oppose")]},
    {"id": "a4", "date": "", "cells": [_cell("RUS", "LNA", 1, 0, 0)]},
]


@pytest.fixture
def predictions(tmp_path):
    path = tmp_path / "pred.jsonl"
    lines = [json.dumps(r) for r in RECORDS]
    lines.insert(2, "{broken")
    lines.insert(3, json.dumps({"id": "x"}))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_counts_and_indices_by_hand(predictions):
    errors = []
    cells = cells_frame(load_predictions(predictions, errors))
    assert len(errors) == 2 and "pred.jsonl:3" in str(errors[0]) and "pred.jsonl:4" in str(errors[1])
    table = aggregate_table(cells, "year", n_boot=500)
    row = table[(table.actor == "RUS") & (table.target == "LNA") & (table.period == "all")].iloc[0]
    assert (row.articles, row.instances, row.support, row.oppose, row.neutral) == (4, 11, 5, 3, 3)
    assert row.net_index == pytest.approx((5 - 3) / 11) and row.uncertain_cells == 1
    y19 = table[(table.actor == "RUS") & (table.period == "2019")].iloc[0]
    assert y19.net_index == pytest.approx((4 - 1) / 6)
    assert set(table[table.actor == "RUS"].period) == {"all", "2019", "2020", "undated"}
    tur = table[(table.actor == "TUR") & (table.period == "all")].iloc[0]
    assert tur.net_index == -1.0
    for r in table.itertuples():
        assert r.ci_low - 1e-9 <= r.net_index <= r.ci_high + 1e-9


def test_periods():
    assert period_of("2019-05-03", "quarter") == "2019Q2" and period_of("2019", "month") == "undated"
    with pytest.raises(ValueError, match="period='week'"):
        period_of("2019", "week")


def test_report_files_and_script_agree_with_api(predictions, tmp_path):
    cells = cells_frame(load_predictions(predictions))
    api_table = write_report(cells, tmp_path / "api", period="year", n_boot=200)
    for name in ("table.csv", "table.parquet", "heatmap.png", "heatmap_by_year.png", "timeseries.png", "report.md"):
        assert (tmp_path / "api" / name).stat().st_size > 0
    text = (tmp_path / "api/report.md").read_text()
    assert "1 cells `uncertain`" in text and "RUS -> LNA" in text
    run = subprocess.run(
        [
            sys.executable,
            "scripts/report.py",
            f"predictions={predictions}",
            f"output={tmp_path / 'cli'}",
            "period=year",
            "n_boot=200",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "pred.jsonl:3" in run.stderr
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "cli/table.csv"), pd.read_csv(tmp_path / "api/table.csv"))
    assert np.isfinite(api_table.net_index).all()


def test_notebook_api_predicts_a_dataframe(tmp_path):
    from stance.api import Stance
    from stance.train import run_train
    from tests.conftest import compose, make_instances, write_jsonl

    data = write_jsonl(tmp_path / "i.jsonl", make_instances())
    run_train(
        compose("train", ["model=tfidf_lr", "data=instances", f"data.path={data}", "cv=0", "logger.progress=false"]),
        tmp_path / "run",
    )
    st = Stance(tmp_path / "run/checkpoint")
    df = pd.DataFrame(
        {
            "text": ["Russia welcomed the Government of National Accord.", "Nothing here."],
            "date": ["2019-01", ""],
            "speaker": ["", ""],
        }
    )
    cells = st.predict_frame(df)
    assert list(cells[["article", "actor", "target"]].itertuples(index=False, name=None)) == [("0", "RUS", "GNA")]
    table = st.report_table(cells, "year", n_boot=100)
    assert set(table.period) == {"all", "2019"}
