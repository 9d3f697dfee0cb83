#!/usr/bin/env python3
"""Compiles the kernels that the H100 benchmarks and GPU checks run.

    bench/make_kernels.py [--only attention,ssd,monarch] [OUT]

Run here (where mixc and ptxas are): writes one folder per case under
OUT/<set>/<case> (default OUT: .kernels), each with the source (kernel.mlir),
mix_kernels.cubin and one <kernel>.json manifest.
  check-*: odd shapes and every feature, checked in full by mixc-bench;
  bench-*: ANCHORS.md sizes, timed against peers.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIXC = os.path.join(ROOT, "build", "bin", "mixc")


def attention_mlir(b, hq, hkv, lq, lk, d, dtype, causal=False, window=None,
                   lse=False, schedule=None):
    q = f"tensor<{b}x{hq}x{lq}x{d}x{dtype}>"
    k = f"tensor<{b}x{hkv}x{lk}x{d}x{dtype}>"
    attrs = []
    if causal:
        attrs.append("causal")
    for side, size in zip(("left", "right"), window or ()):
        if size is not None:
            attrs.append(f"window_{side} = {size}")
    if schedule:
        params = ", ".join(f"{n} = {v}" for n, v in schedule.items())
        attrs.append(f"schedule = #mix.schedule<attention.mma_sync, {{{params}}}>")
    attr_text = f" {{{', '.join(attrs)}}}" if attrs else ""
    results = q + (f", tensor<{b}x{hq}x{lq}xf32>" if lse else "")
    ret = f"({results})" if lse else results
    outs = "%o, %l" if lse else "%o"
    return (f"func.func @f(%q: {q}, %k: {k}, %v: {k}) -> ({results}) {{\n"
            f"  {outs} = mix.attention %q, %k, %v{attr_text} : ({q}, {k}, {k}) -> {ret}\n"
            f"  return {outs} : {results}\n}}\n")


def attention_cases():
    """(name, MLIR) of every attention case."""
    for name, spec in _attention_specs():
        yield name, attention_mlir(**spec)


def _attention_specs():
    yield "check-causal-odd", dict(b=1, hq=2, hkv=2, lq=200, lk=200, d=64, dtype="bf16", causal=True)
    yield "check-full-f16-hd128", dict(b=2, hq=4, hkv=4, lq=333, lk=333, d=128, dtype="f16")
    yield "check-gqa", dict(b=1, hq=8, hkv=2, lq=257, lk=257, d=64, dtype="bf16", causal=True)
    yield "check-window", dict(b=1, hq=2, hkv=2, lq=300, lk=300, d=64, dtype="bf16", causal=True, window=(64, None))
    yield "check-window-both", dict(b=1, hq=2, hkv=2, lq=300, lk=300, d=128, dtype="bf16", window=(40, 24))
    yield "check-lse", dict(b=1, hq=2, hkv=2, lq=130, lk=130, d=128, dtype="bf16", causal=True, lse=True)
    yield "check-cross-lengths", dict(b=1, hq=2, hkv=2, lq=100, lk=300, d=64, dtype="bf16", causal=True)
    for name, sched in [("s1-bn32", dict(block_m=64, block_n=32, warps=4, stages=1)),
                        ("s3-bn64", dict(block_m=128, block_n=64, warps=8, stages=3)),
                        ("m128w4", dict(block_m=128, block_n=64, warps=4, stages=2))]:
        yield f"check-schedule-{name}", dict(b=1, hq=2, hkv=2, lq=384, lk=384, d=128, dtype="bf16", causal=True, schedule=sched)
    for d in (128, 64):
        heads = 2048 // d
        lengths = (1024, 4096, 16384) if d == 128 else (4096, 16384)
        for length in lengths:
            for causal in (False, True):
                if d == 64 and causal and length != 16384:
                    continue
                batch = 16384 // length
                yield (f"bench-d{d}-L{length}-{'causal' if causal else 'full'}",
                       dict(b=batch, hq=heads, hkv=heads, lq=length, lk=length, d=d, dtype="bf16", causal=causal))
    for name, sched in [("bn128-s2", dict(block_m=128, block_n=128, warps=8, stages=2)),
                        ("bn32-s3", dict(block_m=128, block_n=32, warps=8, stages=3)),
                        ("m64w4", dict(block_m=64, block_n=64, warps=4, stages=2))]:
        yield (f"bench-d128-L4096-full-{name}",
               dict(b=4, hq=16, hkv=16, lq=4096, lk=4096, d=128, dtype="bf16", schedule=sched))


def ssd_cases():
    """(name, MLIR) of every SSD case."""
    return []


def monarch_cases():
    """(name, MLIR) of every Monarch case."""
    return []


SETS = {"attention": attention_cases, "ssd": ssd_cases, "monarch": monarch_cases}


def main():
    args = sys.argv[1:]
    only = list(SETS)
    if args[:1] == ["--only"]:
        only = args[1].split(",")
        args = args[2:]
        unknown = [name for name in only if name not in SETS]
        if unknown:
            sys.exit(f"unknown set(s) {', '.join(unknown)}; sets: {', '.join(SETS)}")
    out = args[0] if args else os.path.join(ROOT, ".kernels")
    for set_name in only:
        for name, text in SETS[set_name]():
            folder = os.path.join(out, set_name, name)
            os.makedirs(folder, exist_ok=True)
            src = os.path.join(folder, "kernel.mlir")
            with open(src, "w") as f:
                f.write(text)
            run = subprocess.run([MIXC, src, "-o", folder], capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"{set_name}/{name}: mixc failed:\n{run.stderr}")
            print(f"{set_name}/{name}: {run.stdout.strip()}")


if __name__ == "__main__":
    main()
