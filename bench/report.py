#!/usr/bin/env python3
"""Markdown tables of one benchmark run, from the files bench/run_h100.sh
writes (RESULTS/<set>.json and RESULTS/<set>-*.jsonl).

    python3 bench/report.py RESULTS_DIR > table.md

Every number printed is read from those files; nothing is typed in by hand.
"""
import json
import os
import sys


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def checks_summary(results, set_name):
    """One line on the mixc-bench reference checks of a set."""
    records = load_jsonl(os.path.join(results, f"{set_name}-checks.jsonl"))
    records += load_jsonl(os.path.join(results, f"{set_name}-bench.jsonl"))
    if not records:
        return "no mixc-bench records"
    passed = sum(1 for r in records if r.get("status") == "PASS")
    errors = [r.get("error") for r in records if isinstance(r.get("error"), (int, float))]
    worst = f", worst rel L2 {max(errors):.2e}" if errors else ""
    return f"mixc-bench: {passed} of {len(records)} kernels passed the CPU-reference check{worst}"


def attention_table(info):
    labels = ["mixc", "torch-flash", "cudnn", "triton", "torch-efficient"]
    lines = ["| case | B×H×L×d | causal | " + " | ".join(labels) + " | mixc / flash | mixc / Triton |",
             "|---" * (len(labels) + 5) + "|"]
    for row in info["rows"]:
        cells = []
        for label in labels:
            cell = row.get(label, {})
            cells.append(f"{cell['tflops']:.0f}" + ("" if cell["ok"] else " BAD")
                         if "tflops" in cell else "n/a")

        def ratio(peer):
            a, b = row.get("mixc", {}), row.get(peer, {})
            return f"{a['tflops'] / b['tflops']:.2f}" if "tflops" in a and "tflops" in b else "n/a"
        name = row["case"].removeprefix("bench-")
        shape = f"{row['B']}×{row['H']}×{row['L']}×{row['d']}"
        lines.append(f"| {name} | {shape} | {'yes' if row['causal'] else 'no'} | "
                     + " | ".join(cells) + f" | {ratio('torch-flash')} | {ratio('triton')} |")
    return "TFLOP/s (4·B·H·L²·d, halved when causal)\n\n" + "\n".join(lines)


def ssd_table(info):
    lines = ["| case | B×L×H×P, N | schedule | mixc ms | torch.compile ms | eager ms | "
             "mixc / compile speed-up | rel L2 (mixc) |",
             "|---|---|---|---|---|---|---|---|"]
    for row in info["rows"]:
        mixc, compiled, eager = row["mixc"], row.get("torch-compile", {}), row.get("torch-eager", {})
        params = row["schedule"]["params"]
        schedule = ", ".join(f"{k} {v}" for k, v in sorted(params.items())) or "default"
        speed = (f"{compiled['ms'] / mixc['ms']:.1f}×"
                 if "ms" in mixc and "ms" in compiled else "n/a")

        def ms(cell):
            return f"{cell['ms']:.3f}" + ("" if cell.get("ok") else " BAD") if "ms" in cell else "n/a"
        lines.append(f"| {row['case'].removeprefix('bench-')} | {row['B']}×{row['L']}×{row['H']}×"
                     f"{row['P']}, {row['N']} | {schedule} | {ms(mixc)} | {ms(compiled)} | "
                     f"{ms(eager)} | {speed} | {mixc.get('rel_l2', float('nan')):.1e} |")
    return "\n".join(lines)


def generic_table(info):
    rows = info.get("rows", [])
    if not rows:
        return "(no rows)"
    keys = [k for k, v in rows[0].items() if isinstance(v, dict) and ("ms" in v or "error" in v)]
    lines = ["| case | " + " | ".join(f"{k} ms" for k in keys) + " |",
             "|---" * (len(keys) + 1) + "|"]
    for row in rows:
        cells = [f"{row[k]['ms']:.3f}" if "ms" in row.get(k, {}) else "n/a" for k in keys]
        lines.append(f"| {row.get('case', '?')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def mixc_bench_table(records):
    """mixc-bench's own timings (CUDA events around back-to-back launches)."""
    lines = ["| kernel | ms | TFLOP/s | GB/s | check | rel L2 |", "|---|---|---|---|---|---|"]
    for r in records:
        case = os.path.basename(os.path.dirname(r["manifest"])).removeprefix("bench-")
        lines.append(f"| {case} | {r['time_ms']:.4f} | {r['tflops']:.1f} | {r['gbps']:.0f} | "
                     f"{r['status']} ({r['check']}) | {r['error'] if r['error'] is not None else float('nan'):.1e} |")
    return "\n".join(lines)


def monarch_table(info):
    lines = [f"% copy = (bytes(x) + bytes(y)) / time over the copy bandwidth measured in "
             f"the same run ({info.get('copy_gbps', float('nan')):.0f} GB/s)\n",
             "| case | n | schedule | mixc ms | mixc % copy | × bmm | torch.bmm ms | "
             "torch.compile ms | dense x·W ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in info["rows"]:
        mixc = row["mixc"]
        params = row["schedule"]["params"]
        schedule = ", ".join(f"{k} {v}" for k, v in sorted(params.items()))

        def ms(label):
            cell = row.get(label, {})
            return f"{cell['ms']:.3f}" + ("" if cell.get("ok") else " BAD") if "ms" in cell else "n/a"
        lines.append(f"| {row['case'].removeprefix('bench-')} | {row['n']} | {schedule} | "
                     f"{ms('mixc')} | {mixc.get('copy_pct', float('nan')):.0f}% | "
                     f"{mixc.get('vs_bmm', float('nan')):.1f} | {ms('torch-bmm')} | "
                     f"{ms('torch-compile')} | {ms('dense')} |")
    return "\n".join(lines)


TABLES = {"attention": attention_table, "ssd": ssd_table, "monarch": monarch_table}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    results = sys.argv[1]
    gpu = os.path.join(results, "gpu.txt")
    if os.path.exists(gpu):
        print("GPU: " + open(gpu).read().strip().splitlines()[-1] + "\n")
    for set_name in ["attention", "ssd", "monarch"]:
        path = os.path.join(results, f"{set_name}.json")
        if not os.path.exists(path):
            continue
        info = json.load(open(path))
        versions = ", ".join(f"{k} {info[k]}" for k in ("torch", "triton", "cuda", "cudnn")
                             if k in info)
        print(f"## {set_name}\n\n{versions}\n")
        print(TABLES.get(set_name, generic_table)(info))
        print(f"\n{checks_summary(results, set_name)}\n")
    # mixc-bench timings of every bench set, including variants (e.g. a
    # folder compiled with other mixc options).
    for name in sorted(os.listdir(results)):
        if name.endswith("-bench.jsonl"):
            records = load_jsonl(os.path.join(results, name))
            if records:
                print(f"### mixc-bench: {name}\n")
                print(mixc_bench_table(records) + "\n")


if __name__ == "__main__":
    main()
