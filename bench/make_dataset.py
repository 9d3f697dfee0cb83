#!/usr/bin/env python3
"""Compiles every legal schedule of a set of tasks: the cost model's data.

    bench/make_dataset.py [--only attention,ssd,monarch,attention_wgmma] [--tasks GLOB,...]
                          [--list] [--force] [--jobs N] [--mixc PATH] [OUT]

Run here (where mixc and ptxas are). For each task (an op at one shape) it
asks mixc-space for the legal schedules of the task's kernel template
(--enumerate: the Presburger set of costmodel/ScheduleSpace.cpp), writes one
kernel.mlir per schedule under OUT/<task>/<schedule>/ (default OUT:
.kernels/dataset) and compiles it with mixc (cubin + manifest, ptxas's
registers and spills in the manifest), N at a time. OUT/index.jsonl lists
every candidate: folder, task, template, params, and "compiled" true or the
compiler's error (a failed compile is data too: it is recorded, not hidden).

It is incremental: a candidate whose folder already holds the same
kernel.mlir and its result (a manifest newer than it, or the compiler's
error in OUT/index.jsonl) is not compiled again (--force compiles
everything; do so when mixc has changed), and the index keeps the entries
of tasks this run did not select. So adding
tasks below and running it again compiles only the new ones. --only picks
sets, --tasks picks tasks by name (shell patterns, e.g. 'ssd-*,attn-d64-*');
--list prints the selected tasks and their candidate counts and stops
(having written only each task's task.mlir, which mixc-space reads).

Tasks are never renamed or resized: measured records name them (the
"dataset_case" of costmodel/data/*/), so new shapes are new tasks, added
after the existing ones.

Then, on the GPU machine: bench/measure_dataset.py OUT measured.jsonl, and
here: bench/join_dataset.py joins the measurements with the features.
"""
import concurrent.futures
import fnmatch
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_kernels  # noqa: E402

ROOT = make_kernels.ROOT
BIN = os.path.join(ROOT, "build", "bin")

# Each task's inputs hold a few million elements (about 4M per tensor), so
# that mixc-bench draws and checks them quickly.
ELEMENTS = 4 << 20


def attention_task(spec, template="attention.mma_sync"):
    return lambda s, spec=spec: make_kernels.attention_mlir(**spec, schedule=s,
                                                            template=template)


def first_attention_specs():
    """(name, spec) of the attention tasks of 2026-12-04: L from 512 to 8k,
    causal and not, head dims 64 and 128, then GQA and a sliding window."""
    for d in (64, 128):
        for length in (512, 1024, 2048, 4096, 8192):
            for causal in (False, True):
                heads = 8
                batch = max(1, ELEMENTS // (heads * length * d))
                spec = dict(b=batch, hq=heads, hkv=heads, lq=length, lk=length, d=d,
                            dtype="bf16", causal=causal)
                yield f"attn-d{d}-L{length}-{'causal' if causal else 'full'}", spec
    yield "attn-d128-L2048-gqa4", dict(b=2, hq=16, hkv=4, lq=2048, lk=2048, d=128,
                                       dtype="bf16", causal=True)
    yield "attn-d64-L4096-window512", dict(b=2, hq=8, hkv=8, lq=4096, lk=4096, d=64,
                                           dtype="bf16", causal=True, window=(512, None))


def attention_tasks():
    """(name, make(schedule) -> MLIR) of attention.mma_sync. The tasks of
    first_attention_specs (costmodel/data/h100/2026-12-04.jsonl), then odd
    lengths (1000, 3000: a partial last tile), 6k and 16k, other head counts
    and batches, GQA 2:1 to 8:1, windows of other widths and two-sided, and
    queries shorter than keys."""
    for name, spec in first_attention_specs():
        yield name, attention_task(spec)

    # Added after 2026-12-04. Names: d, L (Lq-Lk when they differ), B and H
    # when they are not the 8 heads and ELEMENTS-sized batch above, gqaR for
    # R query heads per key head, windowW (left) or windowW-W (left and
    # right), then causal or full.
    def task(d, length, causal, b=None, hq=8, hkv=None, lk=None, window=None):
        hkv = hkv or hq
        lk = lk or length
        default_b = max(1, ELEMENTS // (hq * length * d))
        b = b or default_b
        name = f"attn-d{d}-" + (f"Lq{length}-Lk{lk}" if lk != length else f"L{length}")
        if hq != 8 or b != default_b:
            name += f"-B{b}-H{hq}"
        if hkv != hq:
            name += f"-gqa{hq // hkv}"
        if window:
            name += "-window" + "-".join(str(w) for w in window if w is not None)
        name += "-causal" if causal else "-full"
        spec = dict(b=b, hq=hq, hkv=hkv, lq=length, lk=lk, d=d, dtype="bf16",
                    causal=causal, window=window)
        return name, attention_task(spec)

    yield task(64, 1000, True)
    yield task(64, 3000, False)
    yield task(64, 6144, True)
    yield task(64, 16384, True, b=1, hq=4)
    yield task(64, 2048, True, window=(128, None))
    yield task(64, 8192, True, window=(2048, None))
    yield task(64, 3000, False, window=(256, 256))
    yield task(64, 1024, True, b=2, hq=32, hkv=4)
    yield task(64, 2048, True, b=1, hq=32)
    yield task(64, 4096, True, b=1, hq=16, hkv=8)
    yield task(64, 1024, False, b=2, hq=8, lk=4096)
    yield task(128, 1000, False)
    yield task(128, 3000, True)
    yield task(128, 6144, False, b=1, hq=4)
    yield task(128, 16384, True, b=1, hq=2)
    yield task(128, 1024, True, b=1, hq=32, hkv=4)
    yield task(128, 4096, True, window=(1024, None))
    yield task(128, 2048, False, window=(512, 512))
    yield task(128, 1024, True, b=8, hq=4)
    yield task(128, 2048, False, b=2, hq=8, hkv=4)
    yield task(128, 512, False, b=4, hq=16)
    yield task(128, 3000, True, b=1, hq=8, hkv=2)


def ssd_task(b, l, h, p, n, g=1):
    spec = dict(b=b, l=l, h=h, p=p, g=g, n=n, dtype="bf16")
    name = f"ssd-B{b}-L{l}-H{h}-P{p}-N{n}" + (f"-G{g}" if g != 1 else "")
    return name, lambda s, spec=spec: make_kernels.ssd_mlir(**spec, schedule=s)


def ssd_tasks():
    for b, l, h, p, n in [(2, 2048, 16, 64, 128), (1, 4096, 16, 64, 128),
                          (4, 1024, 8, 64, 64), (1, 2048, 8, 128, 128)]:
        yield ssd_task(b, l, h, p, n)
    # Added after 2026-12-04: L from 512 to 16k (1000, 3000 and 6000: a partial last
    # chunk), batch 1 to 8, 4 to 32 heads, head dims 32 to 128, state sizes
    # 64 to 256, 4 groups.
    for b, l, h, p, n in [(1, 8192, 8, 64, 128), (4, 1000, 16, 64, 128),
                          (2, 4096, 16, 32, 64), (2, 2048, 16, 64, 256),
                          (1, 3000, 8, 128, 64), (8, 512, 16, 64, 128),
                          (4, 2048, 8, 64, 64), (1, 16384, 4, 64, 128),
                          (4, 1024, 32, 32, 128), (1, 6000, 8, 64, 64)]:
        yield ssd_task(b, l, h, p, n)
    yield ssd_task(1, 2048, 32, 64, 128, g=4)


def monarch_tasks():
    for rows, m in [(4096, 32), (2048, 64), (256, 128)]:
        args = ([rows, m * m], (m, m, m), (m, m, m))
        yield f"monarch-n{m * m}-rows{rows}", lambda s, args=args: make_kernels.monarch_mlir(*args, schedule=s)
    # Added after 2026-12-04: n = 2048 and 8192, which are not squares (the
    # first factor k blocks of q x p, the second l blocks of s x r, with
    # n = k p = l s and k q = l r), and n = 16384 at an odd row count.
    for rows, first, second in [(2048, (32, 64, 64), (64, 32, 32)),
                                (512, (64, 128, 128), (128, 64, 64))]:
        args = ([rows, first[0] * first[2]], first, second)
        yield (f"monarch-n{first[0] * first[2]}-k{first[0]}-l{second[0]}-rows{rows}",
               lambda s, args=args: make_kernels.monarch_mlir(*args, schedule=s))
    args = ([100, 16384], (128, 128, 128), (128, 128, 128))
    yield "monarch-n16384-rows100", lambda s, args=args: make_kernels.monarch_mlir(*args, schedule=s)


def attention_wgmma_tasks():
    """attention.wgmma (added 2026-12-05) at the shapes of
    first_attention_specs, named attn-wgmma-* after their attn-* task."""
    for name, spec in first_attention_specs():
        yield name.replace("attn-", "attn-wgmma-", 1), attention_task(spec, "attention.wgmma")


# Each set's tasks and the kernel template whose schedules they enumerate
# (named, not the op's default: a task's candidates stay the same when the
# default changes).
SETS = {"attention": (attention_tasks, "attention.mma_sync"),
        "ssd": (ssd_tasks, "ssd.chunked"),
        "monarch": (monarch_tasks, "monarch.fused"),
        "attention_wgmma": (attention_wgmma_tasks, "attention.wgmma")}


def legal_schedules(mlir_path, template):
    run = subprocess.run([os.path.join(BIN, "mixc-space"), mlir_path, "--enumerate",
                          "--template", template],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"mixc-space failed on {mlir_path}:\n{run.stderr}")
    return [json.loads(line) for line in run.stdout.splitlines()]


def compile_one(mixc, folder):
    run = subprocess.run([mixc, os.path.join(folder, "kernel.mlir"), "-o", folder],
                         capture_output=True, text=True)
    return folder, run.returncode, (run.stderr or run.stdout).strip()


def write_if_changed(path, text):
    """Writes `text` to `path` unless it holds it already; True if it did."""
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return False
    with open(path, "w") as f:
        f.write(text)
    return True


def compiled_here(folder):
    """Whether `folder` holds a manifest written after its kernel.mlir: mixc
    writes the manifests last, and only when the cubin was made."""
    source = os.path.getmtime(os.path.join(folder, "kernel.mlir"))
    return any(n.endswith(".json") and os.path.getmtime(os.path.join(folder, n)) >= source
               for n in os.listdir(folder))


def read_index(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f]


def merge_index(old, new, tasks):
    """The old index with the entries of `tasks` replaced by `new`'s, in
    place (a task's new entries where its first old one was); tasks that
    are new go last."""
    by_task = {}
    for c in new:
        by_task.setdefault(c["task"], []).append(c)
    merged = []
    for c in old:
        if c["task"] not in tasks:
            merged.append(c)
        elif c["task"] in by_task:
            merged += by_task.pop(c["task"])
    for entries in by_task.values():
        merged += entries
    return merged


def main():
    args = sys.argv[1:]
    only, patterns, jobs, mixc = list(SETS), None, os.cpu_count() or 1, os.path.join(BIN, "mixc")
    list_only = force = False
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        if flag == "--list":
            list_only = True
        elif flag == "--force":
            force = True
        elif flag in ("--only", "--tasks", "--jobs", "--mixc") and args:
            value = args.pop(0)
            if flag == "--only":
                only = value.split(",")
            elif flag == "--tasks":
                patterns = value.split(",")
            elif flag == "--jobs":
                jobs = int(value)
            else:
                mixc = value
        else:
            sys.exit(__doc__)
    out = args[0] if args else os.path.join(ROOT, ".kernels", "dataset")
    index_path = os.path.join(out, "index.jsonl")
    previous = {c["folder"]: c for c in read_index(index_path)}
    candidates, to_compile, tasks = [], [], set()
    for set_name in only:
        if set_name not in SETS:
            sys.exit(f"unknown set {set_name}; sets: {', '.join(SETS)}")
        make_tasks, template = SETS[set_name]
        for task, make in make_tasks():
            if patterns and not any(fnmatch.fnmatchcase(task, p) for p in patterns):
                continue
            if task in tasks:
                sys.exit(f"two tasks are named {task}")
            tasks.add(task)
            task_dir = os.path.join(out, task)
            os.makedirs(task_dir, exist_ok=True)
            base = os.path.join(task_dir, "task.mlir")
            write_if_changed(base, make(None))
            schedules = legal_schedules(base, template)
            if list_only:
                print(f"{task}: {len(schedules)} candidates")
            for line in schedules:
                params = line["params"]
                name = "-".join(f"{k}{v}" for k, v in params.items())
                folder = os.path.join(task_dir, name)
                entry = dict(folder=os.path.relpath(folder, out), task=task,
                             template=line["template"], params=params)
                candidates.append(entry)
                if list_only:
                    continue
                os.makedirs(folder, exist_ok=True)
                changed = write_if_changed(os.path.join(folder, "kernel.mlir"), make(params))
                # The same source and its result (a manifest made from it, or
                # the error recorded in the index): nothing to redo.
                old = previous.get(entry["folder"], {}).get("compiled")
                if not force and not changed and compiled_here(folder):
                    entry["compiled"] = True
                elif not force and not changed and old not in (None, True):
                    entry["compiled"] = old
                else:
                    to_compile.append(entry)
    if not tasks:
        sys.exit(f"no task of {', '.join(only)} matches {','.join(patterns)}")
    if list_only:
        print(f"{len(tasks)} tasks, {len(candidates)} candidates")
        return
    print(f"{len(tasks)} tasks, {len(candidates)} candidates, "
          f"{len(candidates) - len(to_compile)} already compiled; compiling {len(to_compile)}, "
          f"{jobs} at a time", flush=True)
    by_folder = {c["folder"]: c for c in to_compile}
    done = 0
    pool = concurrent.futures.ThreadPoolExecutor(jobs)
    try:
        futures = [pool.submit(compile_one, mixc, os.path.join(out, c["folder"]))
                   for c in to_compile]
        for future in concurrent.futures.as_completed(futures):
            folder, rc, text = future.result()
            entry = by_folder[os.path.relpath(folder, out)]
            entry["compiled"] = True if rc == 0 else text
            done += 1
            if rc != 0 or done % 50 == 0 or done == len(to_compile):
                print(f"[{done}/{len(to_compile)}] {entry['folder']}: "
                      f"{'ok' if rc == 0 else 'FAILED: ' + text.splitlines()[-1]}", flush=True)
    finally:
        # Also when interrupted (or mixc could not be started): the index
        # then lacks the candidates not compiled yet, which the next run
        # compiles.
        pool.shutdown(cancel_futures=True)
        finished = [c for c in candidates if "compiled" in c]
        index = merge_index(read_index(index_path), finished, tasks)
        with open(index_path, "w") as f:
            for c in index:
                f.write(json.dumps(c) + "\n")
    failed = sum(c["compiled"] is not True for c in candidates)
    print(f"{len(candidates) - failed} compiled, {failed} failed "
          f"({len(index)} candidates in {index_path})")


if __name__ == "__main__":
    main()
