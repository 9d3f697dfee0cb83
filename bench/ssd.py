#!/usr/bin/env python3
"""Mamba-2 SSD forward on the GPU: mixc's one-launch chunked kernel against
the chunked PyTorch reference (the Mamba-2 paper's minimal SSD algorithm,
eager and torch.compile) and, where installed, mamba_ssm's Triton kernels, in
one process, on the same inputs.

    python3 bench/ssd.py KERNELS_DIR [--json OUT.json]

KERNELS_DIR holds the bench-* folders written by bench/make_kernels.py. Per
case: x, B, C ~ normal(0, 1) in the kernel's dtype, dt = exp(normal(0.5) - 3)
(positive), A = -exp(normal(0.5)), D ~ normal; every output is poisoned
first and checked against the same chunked algorithm run in f32 (relative
L2); times are medians of CUDA-event timings after warm-up.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import mixrt  # noqa: E402
from benchutil import timed  # noqa: E402


def segment_sums(a):
    """[..., T] -> [..., T, T]: out[t, s] = sum a[s+1..t] for s <= t, -inf above."""
    t = a.shape[-1]
    cum = torch.cumsum(a, dim=-1)
    seg = cum[..., :, None] - cum[..., None, :]
    causal = torch.ones(t, t, dtype=torch.bool, device=a.device).tril()
    return seg.masked_fill(~causal, float("-inf"))


def chunked_ssd(x, dt, a, b, c, d, chunk):
    """The chunked SSD (Mamba-2, "minimal" form) in x's dtype.

    x [B, L, H, P], dt [B, L, H], a [H], b/c [B, L, G, N], d [H] or None.
    """
    batch, length, heads, p = x.shape
    groups, n = b.shape[2], b.shape[3]
    pad = (-length) % chunk
    if pad:
        x, dt, b, c = (F.pad(t, (0, 0) * (t.dim() - 2) + (0, pad)) for t in (x, dt, b, c))
    chunks = x.shape[1] // chunk
    rep = heads // groups
    xs = (x * dt[..., None].to(x.dtype)).reshape(batch, chunks, chunk, heads, p)
    bs = b.repeat_interleave(rep, dim=2).reshape(batch, chunks, chunk, heads, n)
    cs = c.repeat_interleave(rep, dim=2).reshape(batch, chunks, chunk, heads, n)
    da = (dt * a).reshape(batch, chunks, chunk, heads).permute(0, 3, 1, 2)  # b h c l
    cum = torch.cumsum(da, dim=-1)
    # Within chunks.
    decay = torch.exp(segment_sums(da)).to(x.dtype)
    y = torch.einsum("bclhn,bcshn,bhcls,bcshp->bclhp", cs, bs, decay, xs)
    # Chunk states, passed along the chunks.
    to_end = torch.exp(cum[..., -1:] - cum).to(x.dtype)
    states = torch.einsum("bclhn,bhcl,bclhp->bchpn", bs, to_end, xs)
    states = torch.cat([torch.zeros_like(states[:, :1]), states], dim=1)
    across = torch.exp(segment_sums(F.pad(cum[..., -1], (1, 0)))).to(x.dtype)
    states = torch.einsum("bhzc,bchpn->bzhpn", across, states)[:, :-1]
    y = y + torch.einsum("bclhn,bchpn,bhcl->bclhp", cs, states, torch.exp(cum).to(x.dtype))
    y = y.reshape(batch, chunks * chunk, heads, p)[:, :length]
    if d is not None:
        y = y + x[:, :length] * d[:, None].to(x.dtype)
    return y


def load_case(kernels, name):
    manifest_path = os.path.join(kernels, name, "ssd_0.json")
    manifest = json.load(open(manifest_path))
    specs = {arg["name"]: arg for arg in manifest["args"]}
    if manifest["attrs"].get("dt_softplus") or "dt_bias" in specs:
        sys.exit(f"{name}: the peers here take dt as given; compile bench cases without "
                 "dt_softplus or dt_bias")
    batch, length, heads, p = specs["x"]["shape"]
    groups, n = specs["B"]["shape"][2:]
    problem = (batch, length, heads, p, groups, n, specs["x"]["dtype"], "D" in specs)
    return manifest_path, manifest, problem


def cell(label, result, base):
    if "ms" not in result:
        return f"{label} n/a"
    speed = f" ({base / result['ms']:.1f}x)" if base else ""
    return f"{label} {result['ms']:.3f} ms{speed}{'' if result['ok'] else ' BAD'}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kernels")
    parser.add_argument("--json")
    args = parser.parse_args()
    torch.manual_seed(0)
    try:
        from mamba_ssm.ops.triton.ssd_combined import mamba_chunk_scan_combined
    except Exception:  # not installed on every machine
        mamba_chunk_scan_combined = None
    compiled = torch.compile(chunked_ssd, dynamic=False)
    # The peers run once per problem (at chunk 64, as ANCHORS.md), every
    # mixc schedule of that problem on the same inputs.
    problems = {}
    for name in sorted(os.listdir(args.kernels)):
        if name.startswith("bench-"):
            path, manifest, problem = load_case(args.kernels, name)
            problems.setdefault(problem, []).append((name, path, manifest))
    rows = []
    for problem, cases in problems.items():
        batch, length, heads, p, groups, n, dtype_name, has_skip = problem
        dtype = {"bf16": torch.bfloat16, "f16": torch.float16}[dtype_name]
        dev = "cuda"
        x = torch.randn(batch, length, heads, p, device=dev, dtype=dtype)
        dt = torch.exp(torch.randn(batch, length, heads, device=dev) * 0.5 - 3.0)
        a = -torch.exp(torch.randn(heads, device=dev) * 0.5)
        b = torch.randn(batch, length, groups, n, device=dev, dtype=dtype)
        c = torch.randn(batch, length, groups, n, device=dev, dtype=dtype)
        d = torch.randn(heads, device=dev) if has_skip else None
        ref = chunked_ssd(x.float(), dt, a, b.float(), c.float(), d, 64)
        peers = {"torch-compile": timed(lambda: compiled(x, dt, a, b, c, d, 64), ref),
                 "torch-eager": timed(lambda: chunked_ssd(x, dt, a, b, c, d, 64), ref)}
        if mamba_chunk_scan_combined is not None:
            peers["mamba_ssm"] = timed(
                lambda: mamba_chunk_scan_combined(x, dt, a, b, c, 64, D=d), ref)
        base = peers["torch-compile"].get("ms")
        print(f"B={batch} L={length} H={heads} P={p} G={groups} N={n}: " +
              " | ".join(cell(label, result, base) for label, result in peers.items()), flush=True)
        out = torch.empty_like(x)
        inputs = [x, dt, a, b, c] + ([d] if d is not None else [])
        for name, path, manifest in cases:
            kernel = mixrt.Kernel(path)

            def ours(kernel=kernel):
                kernel(*inputs, out)
                return out

            result = timed(ours, ref, out)
            rows.append({"case": name, "B": batch, "L": length, "H": heads, "P": p, "G": groups,
                         "N": n, "schedule": manifest["schedule"],
                         "registers": manifest.get("ptxas", {}).get("registers"),
                         "mixc": result, **peers})
            print(f"  {name:32s} {cell('mixc', result, base)}", flush=True)
    if args.json:
        info = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__,
                "cuda": torch.version.cuda, "mamba_ssm": mamba_chunk_scan_combined is not None,
                "rows": rows}
        json.dump(info, open(args.json, "w"), indent=1)
    print("\nGPU time, median of 30 CUDA-event timings; (Nx) = speed over torch.compile; "
          "BAD = rel L2 > 1e-2 vs the f32 chunked reference")


if __name__ == "__main__":
    main()
