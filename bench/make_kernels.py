#!/usr/bin/env python3
"""Compiles the kernels that the H100 benchmarks and GPU checks run.

    bench/make_kernels.py [--only attention,ssd,monarch] [--checks] [--mixc PATH] [OUT]

Run here (where mixc and ptxas are): writes one folder per case under
OUT/<set>/<case> (default OUT: .kernels), each with the source (kernel.mlir),
mix_kernels.cubin and one <kernel>.json manifest.
  check-*: odd shapes and every feature, checked in full by mixc-bench;
  bench-*: ANCHORS.md sizes, timed against peers.
--checks writes the check-* cases only (what `ctest -L gpu` runs); --mixc
names the compiler (default: build/bin/mixc).
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIXC = os.path.join(ROOT, "build", "bin", "mixc")


def attention_mlir(b, hq, hkv, lq, lk, d, dtype, causal=False, window=None,
                   lse=False, schedule=None, template=None):
    """The op with `template`'s `schedule` (params; {} for the template's
    defaults), or with none (mixc's default template) when both are None."""
    q = f"tensor<{b}x{hq}x{lq}x{d}x{dtype}>"
    k = f"tensor<{b}x{hkv}x{lk}x{d}x{dtype}>"
    attrs = []
    if causal:
        attrs.append("causal")
    for side, size in zip(("left", "right"), window or ()):
        if size is not None:
            attrs.append(f"window_{side} = {size}")
    if schedule is not None or template:
        params = ", ".join(f"{n} = {v}" for n, v in (schedule or {}).items())
        attrs.append(f"schedule = #mix.schedule<{template or 'attention.mma_sync'}, {{{params}}}>")
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
    # attention.mma_sync at its default parameters (head dims 64 and 128 get
    # attention.wgmma when no schedule is given).
    mma = dict(template="attention.mma_sync", schedule={})
    yield "check-causal-odd", dict(b=1, hq=2, hkv=2, lq=200, lk=200, d=64, dtype="bf16", causal=True, **mma)
    yield "check-full-f16-hd128", dict(b=2, hq=4, hkv=4, lq=333, lk=333, d=128, dtype="f16", **mma)
    yield "check-gqa", dict(b=1, hq=8, hkv=2, lq=257, lk=257, d=64, dtype="bf16", causal=True, **mma)
    yield "check-window", dict(b=1, hq=2, hkv=2, lq=300, lk=300, d=64, dtype="bf16", causal=True, window=(64, None), **mma)
    yield "check-window-both", dict(b=1, hq=2, hkv=2, lq=300, lk=300, d=128, dtype="bf16", window=(40, 24), **mma)
    yield "check-lse", dict(b=1, hq=2, hkv=2, lq=130, lk=130, d=128, dtype="bf16", causal=True, lse=True, **mma)
    yield "check-cross-lengths", dict(b=1, hq=2, hkv=2, lq=100, lk=300, d=64, dtype="bf16", causal=True, **mma)
    # No schedule: the default template (attention.wgmma at these head dims).
    yield "check-default-hd128-odd", dict(b=1, hq=4, hkv=2, lq=1000, lk=1000, d=128, dtype="bf16", causal=True)
    yield "check-default-hd64-f16", dict(b=2, hq=2, hkv=2, lq=77, lk=77, d=64, dtype="f16")
    for name, sched in [("s1-bn32", dict(block_m=64, block_n=32, warps=4, stages=1)),
                        ("s3-bn64", dict(block_m=128, block_n=64, warps=8, stages=3)),
                        ("m128w4", dict(block_m=128, block_n=64, warps=4, stages=2))]:
        yield f"check-schedule-{name}", dict(b=1, hq=2, hkv=2, lq=384, lk=384, d=128, dtype="bf16", causal=True, schedule=sched)
    # attention.wgmma: the same features, and every schedule shape.
    wg = dict(template="attention.wgmma")
    wg2 = dict(block_m=128, block_n=128, consumer_warpgroups=2, stages=2)
    yield "check-wgmma-full-hd128", dict(b=2, hq=4, hkv=4, lq=333, lk=333, d=128, dtype="bf16", schedule=wg2, **wg)
    yield "check-wgmma-causal-odd-f16", dict(b=1, hq=2, hkv=2, lq=200, lk=200, d=64, dtype="f16", causal=True, schedule=wg2, **wg)
    yield "check-wgmma-gqa", dict(b=1, hq=8, hkv=2, lq=257, lk=257, d=128, dtype="bf16", causal=True, schedule=wg2, **wg)
    yield "check-wgmma-window-both", dict(b=1, hq=2, hkv=2, lq=300, lk=300, d=128, dtype="bf16", window=(40, 24), schedule=wg2, **wg)
    yield "check-wgmma-lse-cross", dict(b=1, hq=2, hkv=2, lq=100, lk=300, d=64, dtype="bf16", causal=True, lse=True, schedule=wg2, **wg)
    for name, sched in [("wg1-bn64-s3", dict(block_m=64, block_n=64, consumer_warpgroups=1, stages=3)),
                        ("wg3-bn96-s3", dict(block_m=192, block_n=96, consumer_warpgroups=3, stages=3)),
                        ("wg2-bn176-s2", dict(block_m=128, block_n=176, consumer_warpgroups=2, stages=2))]:
        yield f"check-wgmma-{name}", dict(b=1, hq=2, hkv=2, lq=384, lk=384, d=128, dtype="bf16", causal=True, schedule=sched, **wg)
    yield "check-wgmma-wg3-hd64", dict(b=1, hq=2, hkv=2, lq=500, lk=500, d=64, dtype="bf16",
                                       schedule=dict(block_m=192, block_n=96, consumer_warpgroups=3, stages=2), **wg)
    # K/V by TMA boxes (tma = 1): the same features and schedule shapes.
    tma2 = dict(wg2, tma=1)
    yield "check-wgmma-tma-full-hd128", dict(b=2, hq=4, hkv=4, lq=333, lk=333, d=128, dtype="bf16", schedule=tma2, **wg)
    yield "check-wgmma-tma-causal-odd-f16", dict(b=1, hq=2, hkv=2, lq=200, lk=200, d=64, dtype="f16", causal=True, schedule=tma2, **wg)
    yield "check-wgmma-tma-gqa", dict(b=2, hq=8, hkv=2, lq=257, lk=257, d=128, dtype="bf16", causal=True, schedule=tma2, **wg)
    yield "check-wgmma-tma-window-both", dict(b=1, hq=2, hkv=2, lq=300, lk=300, d=128, dtype="bf16", window=(40, 24), schedule=tma2, **wg)
    yield "check-wgmma-tma-lse-cross", dict(b=2, hq=2, hkv=2, lq=100, lk=300, d=64, dtype="bf16", causal=True, lse=True, schedule=tma2, **wg)
    for name, sched in [("wg1-bn64-s3", dict(block_m=64, block_n=64, consumer_warpgroups=1, stages=3)),
                        ("wg3-bn96-s3", dict(block_m=192, block_n=96, consumer_warpgroups=3, stages=3)),
                        ("wg2-bn176-s2", dict(block_m=128, block_n=176, consumer_warpgroups=2, stages=2)),
                        ("wg2-bn64-s4", dict(block_m=128, block_n=64, consumer_warpgroups=2, stages=4))]:
        yield f"check-wgmma-tma-{name}", dict(b=2, hq=2, hkv=2, lq=384, lk=384, d=128, dtype="bf16", causal=True,
                                              schedule=dict(sched, tma=1), **wg)
    for d in (128, 64):
        heads = 2048 // d
        lengths = (1024, 4096, 16384) if d == 128 else (4096, 16384)
        for length in lengths:
            for causal in (False, True):
                if d == 64 and causal and length != 16384:
                    continue
                batch = 16384 // length
                shape = dict(b=batch, hq=heads, hkv=heads, lq=length, lk=length, d=d, dtype="bf16", causal=causal)
                # mixc's default (attention.wgmma), and attention.mma_sync's.
                case = f"bench-d{d}-L{length}-{'causal' if causal else 'full'}"
                yield case, shape
                yield f"{case}-mma", dict(shape, **mma)
                yield f"{case}-tma", dict(shape, schedule=dict(tma=1), **wg)
    for name, sched in [("bn128-s2", dict(block_m=128, block_n=128, warps=8, stages=2)),
                        ("bn32-s3", dict(block_m=128, block_n=32, warps=8, stages=3)),
                        ("m64w4", dict(block_m=64, block_n=64, warps=4, stages=2))]:
        yield (f"bench-d128-L4096-full-{name}",
               dict(b=4, hq=16, hkv=16, lq=4096, lk=4096, d=128, dtype="bf16", schedule=sched))
    # stages >= 3: the next tile's Q K^T overlaps this tile's softmax.
    for name, sched in [("wg2-bn128-s3", dict(block_m=128, block_n=128, consumer_warpgroups=2, stages=3)),
                        ("wg2-bn64-s4", dict(block_m=128, block_n=64, consumer_warpgroups=2, stages=4)),
                        ("wg2-bn64-s3", dict(block_m=128, block_n=64, consumer_warpgroups=2, stages=3)),
                        ("wg2-bn176-s2", dict(block_m=128, block_n=176, consumer_warpgroups=2, stages=2)),
                        ("wg3-bn96-s2", dict(block_m=192, block_n=96, consumer_warpgroups=3, stages=2)),
                        ("wg1-bn128-s2", dict(block_m=64, block_n=128, consumer_warpgroups=1, stages=2))]:
        yield (f"bench-d128-L4096-full-wgmma-{name}",
               dict(b=4, hq=16, hkv=16, lq=4096, lk=4096, d=128, dtype="bf16", schedule=sched, **wg))
        yield (f"bench-d128-L4096-full-wgmma-{name}-tma",
               dict(b=4, hq=16, hkv=16, lq=4096, lk=4096, d=128, dtype="bf16",
                    schedule=dict(sched, tma=1), **wg))


def ssd_mlir(b, l, h, p, g, n, dtype, out=None, skip=True, softplus=False, dt_bias=False,
             schedule=None):
    x = f"tensor<{b}x{l}x{h}x{p}x{dtype}>"
    y = f"tensor<{b}x{l}x{h}x{p}x{out or dtype}>"
    dt = f"tensor<{b}x{l}x{h}xf32>"
    bc = f"tensor<{b}x{l}x{g}x{n}x{dtype}>"
    vec = f"tensor<{h}xf32>"
    args = [("x", x), ("dt", dt), ("a", vec), ("b", bc), ("c", bc)]
    operands = "%x, %dt, %a, %b, %c"
    if skip:
        args.append(("d", vec))
        operands += " skip(%d)"
    if dt_bias:
        args.append(("bias", vec))
        operands += " dt_bias(%bias)"
    attrs = []
    if softplus:
        attrs.append("dt_softplus")
    if schedule:
        params = ", ".join(f"{k} = {v}" for k, v in schedule.items())
        attrs.append(f"schedule = #mix.schedule<ssd.chunked, {{{params}}}>")
    attr_text = f" {{{', '.join(attrs)}}}" if attrs else ""
    signature = ", ".join(f"%{name}: {t}" for name, t in args)
    types = ", ".join(t for _, t in args)
    return (f"func.func @f({signature}) -> {y} {{\n"
            f"  %y = mix.ssd {operands}{attr_text} : ({types}) -> {y}\n"
            f"  return %y : {y}\n}}\n")


def ssd_cases():
    """(name, MLIR) of every SSD case."""
    base = dict(b=1, l=300, h=4, p=64, g=1, n=128, dtype="bf16")
    yield "check-odd-softplus", ssd_mlir(**base, softplus=True, dt_bias=True)
    yield "check-f16-groups", ssd_mlir(b=2, l=257, h=8, p=32, g=2, n=64, dtype="f16", skip=False)
    yield "check-f32-result", ssd_mlir(b=1, l=100, h=2, p=64, g=2, n=32, dtype="bf16", out="f32")
    yield "check-one-token", ssd_mlir(b=2, l=1, h=2, p=64, g=1, n=128, dtype="bf16")
    for name, sched in [("c128w4", dict(chunk_size=128, warps=4)),
                        ("c128w8", dict(chunk_size=128, warps=8)),
                        ("c256w8-p32", dict(chunk_size=256, warps=8, stages=1, block_p=32)),
                        ("s1", dict(stages=1)), ("s3-p32", dict(stages=3, block_p=32)),
                        ("c128w8-p16", dict(chunk_size=128, warps=8, block_p=16))]:
        yield f"check-schedule-{name}", ssd_mlir(b=1, l=700, h=4, p=64, g=1, n=128, dtype="bf16",
                                                 schedule=sched)
    # ANCHORS.md: 16384 tokens, 32 heads, p = 64, n = 128, 1 group, chunk 64.
    for b, l in [(1, 16384), (4, 4096)]:
        yield f"bench-B{b}-L{l}", ssd_mlir(b=b, l=l, h=32, p=64, g=1, n=128, dtype="bf16")
    yield "bench-B4-L4096-p32", ssd_mlir(b=4, l=4096, h=32, p=64, g=1, n=128, dtype="bf16",
                                         schedule=dict(block_p=32))
    for name, sched in [("p32", dict(block_p=32)), ("p16", dict(block_p=16)),
                        ("c128w8", dict(chunk_size=128, warps=8)),
                        ("c128w8-p32", dict(chunk_size=128, warps=8, block_p=32)),
                        ("c128w8-p16", dict(chunk_size=128, warps=8, block_p=16)),
                        ("c128w4-p16", dict(chunk_size=128, warps=4, block_p=16))]:
        yield f"bench-B1-L16384-{name}", ssd_mlir(b=1, l=16384, h=32, p=64, g=1, n=128,
                                                  dtype="bf16", schedule=sched)


def monarch_mlir(shape, first, second, dtype="bf16", out=None, schedule=None):
    (k, q, p), (l, s, r) = first, second
    x = f"tensor<{'x'.join(map(str, shape))}x{dtype}>"
    y = f"tensor<{'x'.join(map(str, shape[:-1] + [l * s]))}x{out or dtype}>"
    f1, f2 = f"tensor<{k}x{q}x{p}x{dtype}>", f"tensor<{l}x{s}x{r}x{dtype}>"
    attr = ""
    if schedule:
        params = ", ".join(f"{n} = {v}" for n, v in schedule.items())
        attr = f" {{schedule = #mix.schedule<monarch.fused, {{{params}}}>}}"
    return (f"func.func @f(%x: {x}, %f1: {f1}, %f2: {f2}) -> {y} {{\n"
            f"  %y = mix.monarch %x, %f1, %f2{attr} : ({x}, {f1}, {f2}) -> {y}\n"
            f"  return %y : {y}\n}}\n")


def monarch_cases():
    """(name, MLIR) of every Monarch case."""
    mlir = monarch_mlir

    def square(m):
        return (m, m, m), (m, m, m)

    def sched(text):
        # "b64-c8-s3-w4-t16-r1-o2-m1" -> block_tokens 64, cluster 8, stages 3,
        # warps 4, tiles 16, resident_factors 1, blocks_per_sm 2, tma 1.
        names = {"b": "block_tokens", "c": "cluster", "s": "stages", "w": "warps", "t": "tiles",
                 "r": "resident_factors", "o": "blocks_per_sm", "m": "tma"}
        return {names[part[0]]: int(part[1:]) for part in text.split("-")}

    # Alternative schedules at n = 4096 (benchmarked, and checked at odd rows):
    # no cluster, and the two fastest of the 2026-11-23 sweep on the H100
    # (bench/results/2026-11-23-h100-monarch.md).
    n4096_schedules = ["b16-c1-s3", "b32-c4-s3-t2", "b64-c8-s3-t1", "b64-c8"]
    # Resident factors: a cluster of 8 keeps 1/8 of both factors in each
    # block; 32 or 64 tiles make 16 clusters over 16384 tokens.
    n4096_resident = ["b32-c8-s3-t32-r1", "b32-c8-s2-t32-r1", "b16-c8-s3-t64-r1",
                      "b32-c8-s3-w4-t32-r1", "b32-c8-s3-t4-r1"]
    # The second factor alone resident: the three fastest of a sweep on an
    # H200 (bench/results/2026-12-06-h200-monarch-sweep).
    n4096_second = ["b64-c8-s3-t2-r2", "b64-c8-s4-t2-r2", "b64-c8-s3-w4-t1-r2"]
    n1024_resident = ["b16-c1-s3-t32-r1", "b32-c2-s3-t16-r1", "b64-c2-s3-t16-r1",
                      "b64-c2-s3-t4-r2"]
    # Odd row counts, f16, f32 result, non-square factors (k != l, p != q),
    # x of rank 1, 3 and 4, and every value of every schedule parameter.
    yield "check-n1024-rows1000", mlir([1000, 1024], *square(32))
    yield "check-n1024-f16", mlir([333, 1024], *square(32), dtype="f16")
    yield "check-n1024-f32-result", mlir([200, 1024], *square(32), out="f32")
    yield "check-n1024-3d", mlir([3, 250, 1024], *square(32))
    yield "check-n1024-b256-c8-t8", mlir([600, 1024], *square(32), schedule=sched("b256-c8-t8"))
    yield "check-n256-4d-b16-c4-t1", mlir([2, 3, 77, 256], *square(16), schedule=sched("b16-c4-t1"))
    yield "check-nonsquare", mlir([1000, 512], (8, 32, 64), (16, 32, 16))
    yield "check-nonsquare-b64-c8-s3-w4", mlir([1000, 512], (8, 32, 64), (16, 32, 16),
                                               schedule=sched("b64-c8-s3-w4"))
    yield "check-nonsquare-f16-b16-c1-s1-t2", mlir([77, 512], (8, 32, 64), (16, 32, 16),
                                                   dtype="f16", schedule=sched("b16-c1-s1-t2"))
    yield "check-n4096-rank1-b16-c1", mlir([4096], *square(64), schedule=sched("b16-c1"))
    for name in n4096_schedules + ["b16-c1-s1-w4-t1", "b64-c4-s3", "b64-c8-t16", "b128-c8"]:
        yield f"check-n4096-rows77-{name}", mlir([77, 4096], *square(64), schedule=sched(name))
    yield "check-n4096-rows1000", mlir([1000, 4096], *square(64))
    for name in n4096_resident:
        yield f"check-n4096-rows1000-{name}", mlir([1000, 4096], *square(64),
                                                   schedule=sched(name))
    yield "check-n4096-rows77-b32-c8-s3-t2-r1", mlir([77, 4096], *square(64),
                                                     schedule=sched("b32-c8-s3-t2-r1"))
    yield "check-n1024-3d-b16-c1-s1-t4-r1", mlir([3, 250, 1024], *square(32),
                                                 schedule=sched("b16-c1-s1-t4-r1"))
    yield "check-nonsquare-f32-b16-c2-s2-t8-r1", mlir([1000, 512], (8, 32, 64), (16, 32, 16),
                                                      out="f32", schedule=sched("b16-c2-s2-t8-r1"))
    yield "check-n16384-rows50-b16-c8-s3", mlir([50, 16384], *square(128),
                                                schedule=sched("b16-c8-s3"))
    # The second factor resident (stage 2 stores y from registers): odd rows,
    # 3-D and 4-D x, f16, f32 results, non-square factors, 1 to 8 blocks a
    # cluster, 1 to 4 stages, several tiles.
    yield "check-n4096-rows77-b64-c8-s3-t1-r2", mlir([77, 4096], *square(64),
                                                     schedule=sched("b64-c8-s3-t1-r2"))
    yield "check-n4096-rows1000-b64-c8-s4-t2-r2", mlir([1000, 4096], *square(64),
                                                       schedule=sched("b64-c8-s4-t2-r2"))
    yield "check-n1024-3d-b64-c2-s2-t2-r2", mlir([3, 250, 1024], *square(32),
                                                 schedule=sched("b64-c2-s2-t2-r2"))
    yield "check-n1024-f32-b32-c4-s3-t2-r2", mlir([200, 1024], *square(32), out="f32",
                                                  schedule=sched("b32-c4-s3-t2-r2"))
    yield "check-nonsquare-f16-b16-c1-s1-t2-r2", mlir([77, 512], (8, 32, 64), (16, 32, 16),
                                                      dtype="f16", schedule=sched("b16-c1-s1-t2-r2"))
    yield "check-nonsquare-f32-b32-c2-s3-t4-r2", mlir([1000, 512], (8, 32, 64), (16, 32, 16),
                                                      out="f32", schedule=sched("b32-c2-s3-t4-r2"))
    yield "check-n256-4d-b16-c4-t1-r2", mlir([2, 3, 77, 256], *square(16),
                                             schedule=sched("b16-c4-t1-r2"))
    # Two blocks per SM (half the shared memory each, registers capped).
    yield "check-n4096-rows1000-b32-c8-s3-t4-o2", mlir([1000, 4096], *square(64),
                                                       schedule=sched("b32-c8-s3-t4-o2"))
    yield "check-n4096-rows77-b16-c8-s2-t8-r2-o2", mlir([77, 4096], *square(64),
                                                        schedule=sched("b16-c8-s2-t8-r2-o2"))
    yield "check-n1024-3d-b32-c2-s3-w4-t4-o2", mlir([3, 250, 1024], *square(32),
                                                    schedule=sched("b32-c2-s3-w4-t4-o2"))
    yield "check-nonsquare-f32-b32-c2-s3-t4-o2", mlir([1000, 512], (8, 32, 64), (16, 32, 16),
                                                      out="f32", schedule=sched("b32-c2-s3-t4-o2"))
    # TMA boxes for stage 1 (128-, 64- and 32-byte swizzles at p = 64, 32,
    # 16): odd rows, rank-1, 3-D and 4-D x (boxes that cross batch rows), f16,
    # f32 results, non-square factors, one stage, no cluster, two blocks per
    # SM, both kinds of resident factors.
    nonsquare = ((8, 32, 64), (16, 32, 16))
    tma_checks = [("n4096-rows77", [77, 4096], square(64), "b64-c8-s3-t1-r2-m1", {}),
                  ("n4096-rows1000", [1000, 4096], square(64), "b32-c8-s3-t4-r1-m1", {}),
                  ("n4096-rank1", [4096], square(64), "b16-c8-s2-r2-m1", {}),
                  ("n4096-rows1000", [1000, 4096], square(64), "b16-c8-s2-t8-r2-o2-m1", {}),
                  ("n1024-3d", [3, 250, 1024], square(32), "b64-c2-s2-t2-r2-m1", {}),
                  ("n256-4d", [2, 3, 77, 256], square(16), "b16-c4-t1-r2-m1", {}),
                  ("nonsquare-f16", [77, 512], nonsquare, "b16-c1-s1-t2-r2-m1",
                   dict(dtype="f16")),
                  ("nonsquare-f32", [1000, 512], nonsquare, "b32-c2-s3-t4-r1-m1",
                   dict(out="f32"))]
    for name, shape, factors, schedule, extra in tma_checks:
        yield f"check-{name}-{schedule}", mlir(shape, *factors, schedule=sched(schedule), **extra)
    # ANCHORS.md: 16384 tokens, n = m^2, bf16; the default schedule, then
    # alternatives. n = 16384 needs a cluster of 4 or 8 (u is 32 KiB a token):
    # the default (32 tokens, cluster 2) asks for 621072 bytes of shared
    # memory and is refused with that message.
    yield "bench-n1024", mlir([16384, 1024], *square(32))
    yield "bench-n4096", mlir([16384, 4096], *square(64))
    yield "bench-n16384-b16-c8-s3", mlir([16384, 16384], *square(128),
                                         schedule=sched("b16-c8-s3"))
    for name in n4096_schedules:
        yield f"bench-n4096-{name}", mlir([16384, 4096], *square(64), schedule=sched(name))
    for name in n4096_resident + n4096_second:
        yield f"bench-n4096-{name}", mlir([16384, 4096], *square(64), schedule=sched(name))
    # Two blocks per SM: the fastest of bench/results/2026-12-06-h100-monarch-occupancy.
    for name in ["b32-c8-s3-w4-t4-o2", "b32-c8-s3-t4-o2"]:
        yield f"bench-n4096-{name}", mlir([16384, 4096], *square(64), schedule=sched(name))
    # TMA boxes for stage 1, and the same schedules without.
    for name in ["b32-c8-s3-t4-r1-m1", "b32-c8-s4-t4-r1-m1", "b32-c8-s4-t4-r1",
                 "b64-c8-s3-t2-r2-m1", "b64-c8-s3-w4-t1-r2-m1", "b64-c8-s4-t2-r2-m1",
                 "b32-c8-s4-t4-r2-m1", "b32-c8-s4-t4-r2", "b16-c8-s2-t8-r2-o2-m1",
                 "b16-c8-s2-t8-r2-o2"]:
        yield f"bench-n4096-{name}", mlir([16384, 4096], *square(64), schedule=sched(name))
    for name in ["b64-c2-s3-t4-r2-m1", "b32-c2-s3-t16-r1-m1"]:
        yield f"bench-n1024-{name}", mlir([16384, 1024], *square(32), schedule=sched(name))
    for name in ["b32-c1-t1", "b64-c2-s3", "b32-c2-s3-t4-o2"] + n1024_resident:
        yield f"bench-n1024-{name}", mlir([16384, 1024], *square(32), schedule=sched(name))


SETS = {"attention": attention_cases, "ssd": ssd_cases, "monarch": monarch_cases}


def main():
    args = sys.argv[1:]
    only, checks_only, mixc = list(SETS), False, MIXC
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        if flag == "--checks":
            checks_only = True
        elif flag in ("--only", "--mixc") and args:
            value = args.pop(0)
            if flag == "--mixc":
                mixc = value
            else:
                only = value.split(",")
        else:
            sys.exit(f"usage: {sys.argv[0]} [--only SETS] [--checks] [--mixc PATH] [OUT]")
    unknown = [name for name in only if name not in SETS]
    if unknown:
        sys.exit(f"unknown set(s) {', '.join(unknown)}; sets: {', '.join(SETS)}")
    out = args[0] if args else os.path.join(ROOT, ".kernels")
    for set_name in only:
        for name, text in SETS[set_name]():
            if checks_only and not name.startswith("check-"):
                continue
            folder = os.path.join(out, set_name, name)
            os.makedirs(folder, exist_ok=True)
            src = os.path.join(folder, "kernel.mlir")
            with open(src, "w") as f:
                f.write(text)
            run = subprocess.run([mixc, src, "-o", folder], capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"{set_name}/{name}: mixc failed:\n{run.stderr}")
            print(f"{set_name}/{name}: {run.stdout.strip()}", flush=True)


if __name__ == "__main__":
    main()
