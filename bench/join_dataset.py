#!/usr/bin/env python3
"""Joins measurements with features: the cost model's training records.

    bench/join_dataset.py DATASET MEASURED.jsonl OUT.jsonl

Run here (mixc-space needs MLIR). For every candidate of DATASET/index.jsonl
it writes one line to OUT.jsonl: mixc-space's feature record of the
candidate (schema_version, op, task, template, params, features with
ptxas's numbers from the candidate's manifest; not the feature names, which
schema_version fixes), the same features without the manifest as
"static_features" (what a tuner sees of a
candidate it has not compiled: attention's register estimate instead of
ptxas's count, and the occupancy that follows) and its
measurement: status (PASS, FAIL: wrong results, ERROR/faulted: could not
run, COMPILE_ERROR), time_ms (median), time_ms_min/max, tflops, gbps,
flops, bytes, error (relative L2 vs the reference), message, device,
driver_version, date, seed, warmup, iters, and "dataset_case" (the folder).
Last it prints, per template, how much the schedule matters: the worst over
the best measured time of each task, and the template default's time (the
schedule mixc-space fills in for DATASET/<task>/task.mlir) over the best.
"""
import concurrent.futures
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPACE = os.path.join(ROOT, "build", "bin", "mixc-space")
MEASURED_FIELDS = ("time_ms", "time_ms_min", "time_ms_max", "tflops", "gbps", "flops",
                   "bytes", "error", "tolerance", "check", "message", "device",
                   "driver_version", "date", "seed", "warmup", "iters")


def summarize(dataset, joined_path):
    """Prints the spread and the default's slowdown per template."""
    tasks = {}
    with open(joined_path) as f:
        for line in f:
            record = json.loads(line)
            if record["status"] == "PASS":
                tasks.setdefault(record["dataset_case"].split("/")[0], []).append(record)
    spread, default_ratio = {}, {}
    for task, records in sorted(tasks.items()):
        template = records[0]["template"]
        best = min(r["time_ms"] for r in records)
        spread.setdefault(template, []).append(max(r["time_ms"] for r in records) / best)
        run = subprocess.run([SPACE, os.path.join(dataset, task, "task.mlir"), "--features"],
                             capture_output=True, text=True, check=True)
        default = json.loads(run.stdout.splitlines()[0])["params"]
        times = [r["time_ms"] for r in records if r["params"] == default]
        if times:
            default_ratio.setdefault(template, []).append(times[0] / best)
    for template, ratios in spread.items():
        line = (f"{template}: {len(ratios)} tasks; worst/best {min(ratios):.1f}x to "
                f"{max(ratios):.1f}x")
        if template in default_ratio:
            d = default_ratio[template]
            line += (f"; default/best mean {sum(d) / len(d):.2f}x, max {max(d):.2f}x "
                     f"({len(d)} tasks with the default measured)")
        print(line)


def space_record(kernel_mlir, manifests):
    """mixc-space's feature record of the one op of `kernel_mlir`, with
    ptxas's numbers from the manifests in `manifests` (None: without)."""
    command = [SPACE, kernel_mlir, "--features"]
    if manifests:
        command += ["--manifests", manifests]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"mixc-space failed on {kernel_mlir}:\n{run.stderr}")
    record = json.loads(run.stdout.splitlines()[0])
    for key in ("op_index", "loc", "feature_names"):
        record.pop(key, None)
    return record


def static_features(task_mlir):
    """The features before compiling of every schedule of the task's space,
    by schedule (one mixc-space run per task)."""
    run = subprocess.run([SPACE, task_mlir, "--enumerate", "--features"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"mixc-space failed on {task_mlir}:\n{run.stderr}")
    by_schedule = {}
    for line in run.stdout.splitlines():
        record = json.loads(line)
        by_schedule[json.dumps(record["params"], sort_keys=True)] = record["features"]
    return by_schedule


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    dataset, measured_path, out_path = sys.argv[1:]
    measured = {}
    with open(measured_path) as f:
        for line in f:
            record = json.loads(line)
            if record["message"].startswith("not run"):
                continue
            folder = os.path.dirname(os.path.relpath(record["manifest"], dataset))
            measured[folder] = record  # the last run of a candidate wins
    with open(os.path.join(dataset, "index.jsonl")) as f:
        candidates = [json.loads(line) for line in f]
    static = {}
    for task in sorted({c["folder"].split("/")[0] for c in candidates}):
        static[task] = static_features(os.path.join(dataset, task, "task.mlir"))

    def record_of(c):
        folder = os.path.join(dataset, c["folder"])
        record = space_record(os.path.join(folder, "kernel.mlir"),
                              folder if c["compiled"] is True else None)
        record["static_features"] = static[c["folder"].split("/")[0]][
            json.dumps(record["params"], sort_keys=True)]
        return record

    # One mixc-space process per candidate (it reads that candidate's
    # manifest), as many at once as there are cores.
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        records = list(pool.map(record_of, candidates))
    counts = {}
    with open(out_path, "w") as out:
        for c, record in zip(candidates, records):
            record["dataset_case"] = c["folder"]
            if c["compiled"] is not True:
                record["status"] = "COMPILE_ERROR"
                record["message"] = c["compiled"]
            elif c["folder"] not in measured:
                record["status"] = "NOT_MEASURED"
            else:
                m = measured[c["folder"]]
                status = m["status"]
                if status == "TIMED":
                    status = "PASS_UNCHECKED"
                if "faulted" in m["message"]:
                    status = "FAULTED"
                record["status"] = status
                for key in MEASURED_FIELDS:
                    record[key] = m.get(key)
            counts[record["status"]] = counts.get(record["status"], 0) + 1
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
    summarize(dataset, out_path)
    print(f"{len(candidates)} records: " +
          ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
