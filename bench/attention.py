#!/usr/bin/env python3
"""Attention forward on the GPU: mixc kernels against PyTorch SDPA (flash,
cuDNN, efficient backends) and a Triton FA2-style kernel, in one process, on
the same inputs.

    python3 bench/attention.py KERNELS_DIR [--json OUT.json]

KERNELS_DIR holds the bench-* folders written by bench/make_kernels.py. For
each, the inputs are fresh normal(0, 1) bf16 tensors; every implementation's
output is checked against an f32 reference (a slice of heads, computed with
PyTorch's math backend on upcast inputs) by relative L2 error, outputs are
poisoned first, and times are medians of CUDA-event timings after warm-up.
FLOPs = 4 * B * H * L^2 * d, halved when causal.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F
import triton
import triton.language as tl
from torch.nn.attention import SDPBackend, sdpa_kernel

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import mixrt  # noqa: E402
from benchutil import median_ms, rel_l2  # noqa: E402


@triton.autotune(
    configs=[triton.Config({"BM": bm, "BN": bn}, num_stages=s, num_warps=w)
             for bm, bn, s, w in [(128, 64, 3, 4), (128, 64, 2, 8), (128, 128, 2, 8), (64, 64, 3, 4)]],
    key=["L", "D", "CAUSAL"])
@triton.jit
def _triton_attention(Q, K, V, O, scale, L, D: tl.constexpr, CAUSAL: tl.constexpr,
                      BM: tl.constexpr, BN: tl.constexpr):
    pid_m = tl.program_id(0)
    base = tl.program_id(1).to(tl.int64) * L * D
    rows = pid_m * BM + tl.arange(0, BM)
    cols0 = tl.arange(0, BN)
    dims = tl.arange(0, D)
    q = tl.load(Q + base + rows[:, None] * D + dims[None, :], mask=rows[:, None] < L, other=0.0)
    m_i = tl.full([BM], float("-inf"), tl.float32)
    l_i = tl.zeros([BM], tl.float32)
    acc = tl.zeros([BM, D], tl.float32)
    qk_scale = scale * 1.4426950408889634
    hi = tl.minimum((pid_m + 1) * BM, L) if CAUSAL else L
    for start in range(0, hi, BN):
        cols = start + cols0
        k = tl.load(K + base + cols[None, :] * D + dims[:, None], mask=cols[None, :] < L, other=0.0)
        qk = tl.dot(q, k) * qk_scale
        keep = cols[None, :] < L
        if CAUSAL:
            keep = keep & (rows[:, None] >= cols[None, :])
        qk = tl.where(keep, qk, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(qk, 1))
        p = tl.math.exp2(qk - m_new[:, None])
        alpha = tl.math.exp2(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, 1)
        v = tl.load(V + base + cols[:, None] * D + dims[None, :], mask=cols[:, None] < L, other=0.0)
        acc = tl.dot(p.to(v.dtype), v, acc * alpha[:, None])
        m_i = m_new
    acc = acc / l_i[:, None]
    tl.store(O + base + rows[:, None] * D + dims[None, :], acc.to(O.dtype.element_ty), mask=rows[:, None] < L)


def triton_attention(q, k, v, causal, out):
    b, h, length, d = q.shape
    grid = lambda meta: (triton.cdiv(length, meta["BM"]), b * h)  # noqa: E731
    _triton_attention[grid](q, k, v, out, d ** -0.5, length, D=d, CAUSAL=causal)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kernels")
    parser.add_argument("--json")
    args = parser.parse_args()
    torch.manual_seed(0)
    rows = []
    for name in sorted(os.listdir(args.kernels)):
        if not name.startswith("bench-"):
            continue
        manifest_path = os.path.join(args.kernels, name, "attention_0.json")
        manifest = json.load(open(manifest_path))
        b, h, length, d = manifest["args"][0]["shape"]
        causal = bool(manifest["attrs"]["causal"])
        q, k, v = (torch.randn(b, h, length, d, device="cuda", dtype=torch.bfloat16) for _ in range(3))
        flops = 4 * b * h * length * length * d / (2 if causal else 1)
        # f32 reference on the first two heads of batch 0.
        ref = F.scaled_dot_product_attention(q[:1, :2].float(), k[:1, :2].float(), v[:1, :2].float(),
                                             is_causal=causal)
        kernel = mixrt.Kernel(manifest_path)
        out = torch.empty_like(q)

        def ours():
            kernel(q, k, v, out)
            return out

        impls = {"mixc": ours,
                 "triton": lambda: triton_attention(q, k, v, causal, out)}
        for label, backend in [("torch-flash", SDPBackend.FLASH_ATTENTION),
                               ("cudnn", SDPBackend.CUDNN_ATTENTION),
                               ("torch-efficient", SDPBackend.EFFICIENT_ATTENTION)]:
            def sdpa(backend=backend):
                with sdpa_kernel(backend):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            impls[label] = sdpa
        row = {"case": name, "B": b, "H": h, "L": length, "d": d, "causal": causal,
               "schedule": manifest["schedule"], "registers": manifest.get("ptxas", {}).get("registers")}
        for label, fn in impls.items():
            try:
                out.fill_(float("nan"))
                result = fn()
                torch.cuda.synchronize()
                error = rel_l2(result[:1, :2], ref)
                ms = median_ms(fn)
                row[label] = {"ms": ms, "tflops": flops / ms / 1e9, "rel_l2": error,
                              "ok": error <= 1e-2}
            except Exception as exc:  # a backend may not support a shape
                row[label] = {"error": str(exc).splitlines()[0][:120]}
        rows.append(row)
        cells = []
        for label in ["mixc", "torch-flash", "cudnn", "triton", "torch-efficient"]:
            cell = row[label]
            cells.append(f"{label} {cell['tflops']:.0f}{'' if cell['ok'] else ' BAD'}" if "ms" in cell else f"{label} n/a")
        print(f"{name:34s} " + " | ".join(cells), flush=True)
    if args.json:
        info = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__,
                "triton": triton.__version__, "cudnn": torch.backends.cudnn.version(),
                "cuda": torch.version.cuda, "rows": rows}
        json.dump(info, open(args.json, "w"), indent=1)
    print("\nTFLOP/s (median of 30 CUDA-event timings); BAD = rel L2 > 1e-2 vs f32 reference")


if __name__ == "__main__":
    main()
