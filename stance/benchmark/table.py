"""The benchmark's markdown table, from its JSON record."""

from __future__ import annotations


def _stages(shares: dict) -> str:
    top = sorted(shares.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {v:.0%}" for k, v in top if v >= 0.01)


def markdown(record: dict) -> str:
    s = record["summary"]
    lines = [
        f"# Inference benchmark, {s['date']}",
        "",
        f"Speed corpus (unique text): {s['articles']} articles ({record['corpus']}), {s['unique_sentences']} distinct "
        f"sentences, {s['pairs']} candidate pairs. Machine: {record['machine']['cpus']} CPUs. Whole run "
        f"{s['benchmark_seconds']:.0f} s (training {record['train_seconds']:.0f} s of it).",
        "",
        "| variant | input | precision | pairs/s | speedup vs pipeline | articles/s | tokens/s | GFLOP/s (peak) "
        "| FLOP util. | peak RSS MB | agreement w/ fp32 | dev macro-F1 | default quality | time by stage |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in record["variants"].items():
        extrapolated = "*" if r.get("seconds_extrapolated") else ""
        lines.append(
            f"| {name} | {r['input']} | {r['precision']} | {r['pairs_per_s']:.1f} | {r['speedup_vs_pipeline']:.2f}x "
            f"| {r['articles_per_s']:.2f}{extrapolated} | {r['tokens_per_s']:.0f} | {r['achieved_flops'] / 1e9:.1f} "
            f"({r['peak_flops'] / 1e9:.0f}) | {r['flop_utilization']:.1%} | {r['peak_rss_mb']:.0f} "
            f"| {r['agreement_with_fp32']:.4f} | {r['dev_macro_f1']:.3f} | {'yes' if r['default_quality'] else 'no'} "
            f"| {_stages(r['stage_shares'])} |"
        )
    lines += [
        "",
        "pairs/s: candidate pairs over tokenising + encoder time; articles/s: end to end (cleaning, sentences, "
        "mentions, pairs, model, aggregation). `pipeline`: `transformers.pipeline` per pair at batch size 1 on a "
        "fixed sample of the same candidates; its agreement is with the marked fp32 model and its articles/s (*) "
        "extrapolates the sampled per-pair cost to every pair. Peak: the best timed GEMM at the variant's precision.",
        "",
        f"Chosen (the fastest variant of the default model, input `{record['config']['default_input']}`, that "
        f"agrees with its fp32 labels on >= {record['config']['min_agreement']:.0%} and loses <= "
        f"{record['config']['max_f1_loss']} dev macro-F1): **{s['chosen_variant']}**, {s['speedup_vs_pipeline']}x "
        "the per-pair pipeline.",
        "",
        "| articles | wall s | peak RSS MB |",
        "|---|---|---|",
    ]
    for n, r in record["scale"].items():
        lines.append(f"| {n} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} |")
    big = record["scale"][max(record["scale"], key=int)]
    if "rss_ratio_to_smallest" in big:
        lines += [
            "",
            f"RSS ratio largest/smallest: {big['rss_ratio_to_smallest']}; time ratio {big['time_ratio_to_smallest']} "
            f"for {big['size_ratio_to_smallest']:.0f}x the articles (process start-up included).",
        ]
    return "\n".join(lines) + "\n"
