import numpy as np

from stance.data import read_instances
from stance.data.splits import grouped_dev_split, groups_of, iter_folds
from stance.metrics import bootstrap_ci, classification_metrics, expected_calibration_error


def test_folds_never_split_a_group(instances_file):
    ds = read_instances(instances_file)
    groups = groups_of(ds)
    for cv in (3, "logo"):
        seen = []
        for train, test in iter_folds(ds, cv, seed=0, label_field="stance"):
            assert not set(groups[train]) & set(groups[test])
            seen.extend(test)
        assert sorted(seen) == list(range(len(ds)))
    a = grouped_dev_split(ds, 0.25, seed=1)
    b = grouped_dev_split(ds, 0.25, seed=1)
    assert (a[1] == b[1]).all() and not set(groups[a[0]]) & set(groups[a[1]])


def test_metrics_figures():
    labels = ["support", "oppose", "neutral"]
    gold = ["support", "support", "oppose", "neutral", "neutral", "neutral"]
    proba = np.array(
        [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.6, 0.2, 0.2]]
    )
    m = classification_metrics(gold, proba, labels)
    assert m["accuracy"] == 4 / 6
    assert m["per_class"]["oppose"]["precision"] == 0.5 and m["per_class"]["neutral"]["recall"] == 2 / 3
    lo, hi = m["macro_f1_ci95"]
    assert lo <= m["macro_f1"] <= hi
    assert m["confusion"][0] == [1, 1, 0]
    perfect = np.eye(3)[[0, 1, 2]]
    assert expected_calibration_error(perfect, np.array([0, 1, 2])) == 0.0
    assert expected_calibration_error(np.full((4, 3), 1 / 3) + [0.01, 0, -0.01], np.array([1, 1, 1, 1])) > 0.3
    y = np.array(gold)
    assert bootstrap_ci(y, y, labels) == (1.0, 1.0)
