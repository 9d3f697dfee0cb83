#!/usr/bin/env python3
"""Measures the candidates of bench/make_dataset.py on the GPU machine.

    bench/measure_dataset.py DATASET RESULTS.jsonl [--bench PATH] [--deadline S]
                             [-- MIXC-BENCH OPTIONS...]

Runs mixc-bench on every compiled candidate of DATASET (each
<task>/<schedule>/ folder with a manifest), one process per task: a task's
candidates share their inputs, so mixc-bench draws them and runs the
reference once per process, not once per candidate. It appends one line per
kernel to RESULTS.jsonl. Candidates already in RESULTS.jsonl
are skipped, so a second run resumes. A kernel that faults loses the CUDA
context of its process: the candidates after it are run again in a new
process, and the faulting one keeps its "faulted" record. --deadline stops
starting new tasks after S seconds (the device's per-command limit).
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    bench = os.path.join(ROOT, "build-rt", "bin", "mixc-bench")
    deadline = None
    positional = []
    while args:
        arg = args.pop(0)
        if arg == "--bench" and args:
            bench = args.pop(0)
        elif arg == "--deadline" and args:
            deadline = time.time() + float(args.pop(0))
        elif arg.startswith("--"):
            sys.exit(__doc__)
        else:
            positional.append(arg)
    if len(positional) != 2:
        sys.exit(__doc__)
    dataset, results = positional

    def measured():
        """Folders of DATASET that have a result."""
        done = set()
        if os.path.exists(results):
            with open(results) as f:
                for line in f:
                    record = json.loads(line)
                    folder = os.path.relpath(os.path.dirname(record["manifest"]), dataset)
                    if not record["message"].startswith("not run") and \
                            not folder.startswith(".."):
                        done.add(folder)
        return done

    # The compiled candidates: every DATASET/<task>/<schedule>/ with a
    # manifest (a failed compile leaves none).
    tasks = {}
    for task in sorted(os.listdir(dataset)):
        if not os.path.isdir(os.path.join(dataset, task)):
            continue
        for case in sorted(os.listdir(os.path.join(dataset, task))):
            folder = os.path.join(dataset, task, case)
            if os.path.isdir(folder) and any(n.endswith(".json") for n in os.listdir(folder)):
                tasks.setdefault(task, []).append(os.path.join(task, case))
    total = sum(len(v) for v in tasks.values())
    start = time.time()
    for task, folders in tasks.items():
        while True:
            done = measured()
            remaining = [f for f in folders if f not in done]
            if not remaining:
                break
            if deadline and time.time() > deadline:
                print(f"deadline reached; {total - len(measured())} candidates left", flush=True)
                return
            manifests = []
            for folder in remaining:
                path = os.path.join(dataset, folder)
                manifests += sorted(os.path.join(path, n) for n in os.listdir(path)
                                    if n.endswith(".json"))
            run = subprocess.run([bench, *manifests, "--results", results, *extra],
                                 capture_output=True, text=True)
            if run.returncode not in (0, 1):
                sys.exit(f"mixc-bench exited {run.returncode} on {task}:\n{run.stderr}")
            if len(measured()) == len(done):
                sys.exit(f"no progress on {task}:\n{run.stdout[-2000:]}\n{run.stderr}")
        print(f"{task}: {len(folders)} candidates; {len(measured())}/{total} in "
              f"{time.time() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
