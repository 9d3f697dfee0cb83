#!/usr/bin/env python3
"""Compiles every legal schedule of a set of tasks: the cost model's data.

    bench/make_dataset.py [--only attention,ssd,monarch] [--jobs N] [--mixc PATH] [OUT]

Run here (where mixc and ptxas are). For each task (an op at one shape) it
asks mixc-space for the legal schedules of the task's kernel template
(--enumerate: the Presburger set of costmodel/ScheduleSpace.cpp), writes one
kernel.mlir per schedule under OUT/<task>/<schedule>/ (default OUT:
.kernels/dataset) and compiles it with mixc (cubin + manifest, ptxas's
registers and spills in the manifest), N at a time. OUT/index.jsonl lists
every candidate: folder, task, template, params, and "compiled" true or the
compiler's error (a failed compile is data too: it is recorded, not hidden).

Then, on the GPU machine: mixc-bench OUT/*/*/ --results measured.jsonl, and
here: bench/join_dataset.py joins the measurements with the features.
"""
import concurrent.futures
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_kernels  # noqa: E402

ROOT = make_kernels.ROOT
BIN = os.path.join(ROOT, "build", "bin")


def attention_tasks():
    """(name, make(schedule) -> MLIR). Inputs of about 4M elements each, so
    that mixc-bench draws and checks them quickly; L from 512 to 8k."""
    for d in (64, 128):
        for length in (512, 1024, 2048, 4096, 8192):
            for causal in (False, True):
                heads = 8
                batch = max(1, (4 << 20) // (heads * length * d))
                spec = dict(b=batch, hq=heads, hkv=heads, lq=length, lk=length, d=d,
                            dtype="bf16", causal=causal)
                name = f"attn-d{d}-L{length}-{'causal' if causal else 'full'}"
                yield name, lambda s, spec=spec: make_kernels.attention_mlir(**spec, schedule=s)
    # GQA and a sliding window.
    for name, spec in [
            ("attn-d128-L2048-gqa4", dict(b=2, hq=16, hkv=4, lq=2048, lk=2048, d=128,
                                          dtype="bf16", causal=True)),
            ("attn-d64-L4096-window512", dict(b=2, hq=8, hkv=8, lq=4096, lk=4096, d=64,
                                              dtype="bf16", causal=True, window=(512, None)))]:
        yield name, lambda s, spec=spec: make_kernels.attention_mlir(**spec, schedule=s)


def ssd_tasks():
    for b, l, h, p, n in [(2, 2048, 16, 64, 128), (1, 4096, 16, 64, 128),
                          (4, 1024, 8, 64, 64), (1, 2048, 8, 128, 128)]:
        spec = dict(b=b, l=l, h=h, p=p, g=1, n=n, dtype="bf16")
        yield (f"ssd-B{b}-L{l}-H{h}-P{p}-N{n}",
               lambda s, spec=spec: make_kernels.ssd_mlir(**spec, schedule=s))


def monarch_tasks():
    for rows, m in [(4096, 32), (2048, 64), (256, 128)]:
        args = ([rows, m * m], (m, m, m), (m, m, m))
        yield f"monarch-n{m * m}-rows{rows}", lambda s, args=args: make_kernels.monarch_mlir(*args, schedule=s)


SETS = {"attention": attention_tasks, "ssd": ssd_tasks, "monarch": monarch_tasks}


def legal_schedules(mlir_path):
    run = subprocess.run([os.path.join(BIN, "mixc-space"), mlir_path, "--enumerate"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"mixc-space failed on {mlir_path}:\n{run.stderr}")
    return [json.loads(line) for line in run.stdout.splitlines()]


def compile_one(mixc, folder):
    run = subprocess.run([mixc, os.path.join(folder, "kernel.mlir"), "-o", folder],
                         capture_output=True, text=True)
    return folder, run.returncode, (run.stderr or run.stdout).strip()


def main():
    args = sys.argv[1:]
    only, jobs, mixc = list(SETS), os.cpu_count() or 1, os.path.join(BIN, "mixc")
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        if flag in ("--only", "--jobs", "--mixc") and args:
            value = args.pop(0)
            if flag == "--only":
                only = value.split(",")
            elif flag == "--jobs":
                jobs = int(value)
            else:
                mixc = value
        else:
            sys.exit(__doc__)
    out = args[0] if args else os.path.join(ROOT, ".kernels", "dataset")
    candidates = []
    for set_name in only:
        if set_name not in SETS:
            sys.exit(f"unknown set {set_name}; sets: {', '.join(SETS)}")
        for task, make in SETS[set_name]():
            task_dir = os.path.join(out, task)
            os.makedirs(task_dir, exist_ok=True)
            base = os.path.join(task_dir, "task.mlir")
            with open(base, "w") as f:
                f.write(make(None))
            for line in legal_schedules(base):
                params = line["params"]
                name = "-".join(f"{k}{v}" for k, v in params.items())
                folder = os.path.join(task_dir, name)
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, "kernel.mlir"), "w") as f:
                    f.write(make(params))
                candidates.append(dict(folder=os.path.relpath(folder, out), task=task,
                                       template=line["template"], params=params))
    print(f"{len(candidates)} candidates; compiling {jobs} at a time", flush=True)
    by_folder = {c["folder"]: c for c in candidates}
    done = 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(compile_one, mixc, os.path.join(out, c["folder"]))
                   for c in candidates]
        for future in concurrent.futures.as_completed(futures):
            folder, rc, text = future.result()
            entry = by_folder[os.path.relpath(folder, out)]
            entry["compiled"] = True if rc == 0 else text
            done += 1
            if rc != 0 or done % 50 == 0 or done == len(candidates):
                print(f"[{done}/{len(candidates)}] {entry['folder']}: "
                      f"{'ok' if rc == 0 else 'FAILED: ' + text.splitlines()[-1]}", flush=True)
    with open(os.path.join(out, "index.jsonl"), "w") as f:
        for c in candidates:
            f.write(json.dumps(c) + "\n")
    failed = sum(c["compiled"] is not True for c in candidates)
    print(f"{len(candidates) - failed} compiled, {failed} failed; index: {out}/index.jsonl")


if __name__ == "__main__":
    main()
