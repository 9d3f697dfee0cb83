#!/usr/bin/env python3
"""Monarch products on the GPU: mixc's fused monarch.fused kernel against the
torch.bmm + transposes formulation (eager and torch.compile) and the dense
x @ W with the equivalent n x n matrix, in one process, on the same inputs.

    python3 bench/monarch.py KERNELS_DIR [--json OUT.json]

KERNELS_DIR holds the bench-* folders written by bench/make_kernels.py. Per
problem (x [tokens, n], factors [k, q, p] and [l, s, r]): x ~ normal(0, 1),
factors ~ normal(0, 1 / sqrt(block input size)), in the kernel's dtype; the
peers run once, every mixc schedule of the problem on the same inputs. Every
output is checked against the bmm formulation run in f32 on upcast inputs
(relative L2; mixc's output is poisoned first), times are medians of
CUDA-event timings after warm-up. GB/s counts the compulsory traffic, x read
once and y written once, and is also given as a share of the device-to-device
copy bandwidth measured in the same run. When x and y together are smaller
than a few L2 caches, the timed calls rotate over 4 input/output sets.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import mixrt  # noqa: E402
from benchutil import median_ms, timed  # noqa: E402

DTYPES = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}


def monarch_bmm(x, first, second):
    """y = Monarch(x) as two batched products with transposes between.

    x [..., k*p], first [k, q, p], second [l, s, r] -> [..., l*s]:
    u[kb*q + qi] = sum_pi first[kb, qi, pi] x[kb*p + pi];
    y[si*l + lb] = sum_ri second[lb, si, ri] u[ri*l + lb].
    """
    k, q, p = first.shape
    l, s, r = second.shape
    lead = x.shape[:-1]
    rows = x.reshape(-1, k, p).transpose(0, 1)                  # [k, R, p]
    u = torch.bmm(rows, first.transpose(1, 2))                  # [k, R, q]
    u = u.transpose(0, 1).reshape(-1, r, l).permute(2, 0, 1)    # [l, R, r]
    y = torch.bmm(u, second.transpose(1, 2))                    # [l, R, s]
    return y.permute(1, 2, 0).reshape(*lead, s * l)


def copy_bandwidth():
    """Device-to-device copy GB/s (bytes read + written) of a 1 GiB buffer."""
    src = torch.empty(1 << 30, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    ms = median_ms(lambda: dst.copy_(src), warmup=3, iters=20)
    return 2 * src.numel() / ms / 1e6


def rotation(calls):
    """A function that makes the next of `calls` on each call."""
    state = {"i": 0}

    def run():
        state["i"] = (state["i"] + 1) % len(calls)
        return calls[state["i"]]()
    return run


def with_rates(result, traffic, copy_gbps, bmm_ms, flops):
    if "ms" in result:
        gbps = traffic / result["ms"] / 1e6
        result.update(gbps=gbps, copy_pct=100 * gbps / copy_gbps,
                      tflops=flops / result["ms"] / 1e9)
        if bmm_ms:
            result["vs_bmm"] = bmm_ms / result["ms"]
    return result


def cell(label, result):
    if "ms" not in result:
        return f"{label} n/a"
    speed = f", {result['vs_bmm']:.1f}x bmm" if "vs_bmm" in result else ""
    return (f"{label} {result['ms']:.3f} ms ({result['copy_pct']:.0f}% copy{speed})"
            f"{'' if result['ok'] else ' BAD'}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kernels")
    parser.add_argument("--json")
    args = parser.parse_args()
    torch.manual_seed(0)
    copy_gbps = copy_bandwidth()
    print(f"device-to-device copy: {copy_gbps:.0f} GB/s", flush=True)
    compiled = torch.compile(monarch_bmm, dynamic=False)

    problems = {}
    for name in sorted(os.listdir(args.kernels)):
        if not name.startswith("bench-"):
            continue
        path = os.path.join(args.kernels, name, "monarch_0.json")
        manifest = json.load(open(path))
        x, first, second, y = manifest["args"]
        problem = (tuple(x["shape"]), tuple(first["shape"]), tuple(second["shape"]), x["dtype"],
                   y["dtype"])
        problems.setdefault(problem, []).append((name, path, manifest))

    rows = []
    for problem, cases in problems.items():
        x_shape, first_shape, second_shape, dtype_name, out_name = problem
        dtype, out_dtype = DTYPES[dtype_name], DTYPES[out_name]
        k, q, p = first_shape
        l, s, r = second_shape
        n, n_out = k * p, l * s
        tokens = 1
        for size in x_shape[:-1]:
            tokens *= size
        traffic = tokens * (n * dtype.itemsize + n_out * out_dtype.itemsize)
        flops = 2.0 * tokens * (k * q * p + l * s * r)
        sets = 4 if traffic < 256 << 20 else 1
        xs = [torch.randn(*x_shape, device="cuda", dtype=dtype) for _ in range(sets)]
        first = (torch.randn(*first_shape, device="cuda") / p ** 0.5).to(dtype)
        second = (torch.randn(*second_shape, device="cuda") / r ** 0.5).to(dtype)
        ref = monarch_bmm(xs[0].float(), first.float(), second.float())

        def bmm_call(i):
            return lambda: monarch_bmm(xs[i], first, second)

        def compiled_call(i):
            return lambda: compiled(xs[i], first, second)

        peers = {"torch-bmm": timed(bmm_call(0), ref, rotate=rotation([bmm_call(i) for i in range(sets)])),
                 "torch-compile": timed(compiled_call(0), ref,
                                        rotate=rotation([compiled_call(i) for i in range(sets)]))}
        if n * n_out * dtype.itemsize <= 4 << 30:
            eye = torch.eye(n, device="cuda")
            weight = monarch_bmm(eye, first.float(), second.float()).to(dtype)  # [n, n_out]
            del eye

            def dense_call(i):
                return lambda: xs[i] @ weight
            peers["dense"] = timed(dense_call(0), ref, rotate=rotation([dense_call(i) for i in range(sets)]))
        else:
            peers["dense"] = {"error": f"W ({n}x{n_out}) does not fit"}
        bmm_ms = peers["torch-bmm"].get("ms")
        for result in peers.values():
            with_rates(result, traffic, copy_gbps, bmm_ms, flops)
        print(f"tokens={tokens} n={n} k,q,p={first_shape} l,s,r={second_shape} {dtype_name}: " +
              " | ".join(cell(label, result) for label, result in peers.items()), flush=True)

        outs = [torch.empty(*x_shape[:-1], n_out, device="cuda", dtype=out_dtype)
                for _ in range(sets)]
        for name, path, manifest in cases:
            kernel = mixrt.Kernel(path)

            def ours(i, kernel=kernel):
                def run():
                    kernel(xs[i], first, second, outs[i])
                    return outs[i]
                return run

            result = with_rates(timed(ours(0), ref, outs[0], rotation([ours(i) for i in range(sets)])),
                                traffic, copy_gbps, bmm_ms, flops)
            rows.append({"case": name, "tokens": tokens, "n": n, "first": list(first_shape),
                         "second": list(second_shape), "dtype": dtype_name,
                         "schedule": manifest["schedule"],
                         "registers": manifest.get("ptxas", {}).get("registers"),
                         "shared_bytes": manifest.get("shared_bytes"), "rotated_sets": sets,
                         "mixc": result, **peers})
            print(f"  {name:28s} {cell('mixc', result)}", flush=True)
            del kernel
        del xs, outs, ref
        torch.cuda.empty_cache()
    if args.json:
        info = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__,
                "cuda": torch.version.cuda, "copy_gbps": copy_gbps, "rows": rows}
        json.dump(info, open(args.json, "w"), indent=1)
    print("\nGPU time, median of 30 CUDA-event timings; % copy = (bytes(x) + bytes(y)) / time "
          "over the measured copy bandwidth; Nx bmm = speed over torch.bmm + transposes; "
          "BAD = rel L2 > 1e-2 vs f32")


if __name__ == "__main__":
    main()
