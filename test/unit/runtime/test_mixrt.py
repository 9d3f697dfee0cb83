"""GPU test of python/mixrt.py on the kernels gpu-smoke.sh builds.

usage: test_mixrt.py DIR   (DIR holds attention_causal_lse.json and the rest)

Launches the causal grouped-query attention kernel on PyTorch tensors and
compares it (output and lse) with PyTorch in f32; checks launches on a side
stream, a manifest with a dynamic sequence length, time(), and the error
messages for wrong tensors.
"""

import json
import os
import sys

import torch

import mixrt

directory = sys.argv[1]
torch.manual_seed(0)
failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def expect_error(call, text):
    try:
        call()
    except mixrt.MixrtError as e:
        check(text in str(e), f"error mentions {text!r}: {e}")
        return
    check(False, f"no error raised (wanted {text!r})")


def reference(q, k, v, causal):
    """Attention and lse in f32; key/value heads repeated for the groups."""
    group = q.shape[1] // k.shape[1]
    k = k.float().repeat_interleave(group, dim=1)
    v = v.float().repeat_interleave(group, dim=1)
    scores = q.float() @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    if causal:
        lq, lk = scores.shape[-2:]
        mask = torch.ones(lq, lk, dtype=torch.bool, device=q.device).tril()
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, -1) @ v, torch.logsumexp(scores, -1)


def rel_l2(actual, expected):
    return ((actual.float() - expected).norm() / expected.norm()).item()


info = mixrt.device_info()
check(info["sm_count"] > 0 and info["name"], f"device_info: {info['name']}")

kernel = mixrt.Kernel(os.path.join(directory, "attention_causal_lse.json"))
check([a.name for a in kernel.args] == ["query", "key", "value", "result",
                                        "lse"], f"args: {kernel.args}")
bf16 = dict(device="cuda", dtype=torch.bfloat16)
q = torch.randn(2, 8, 1024, 64, **bf16)
k = torch.randn(2, 2, 1024, 64, **bf16)
v = torch.randn(2, 2, 1024, 64, **bf16)
out = torch.full_like(q, float("nan"))
lse = torch.full((2, 8, 1024), float("nan"), device="cuda")
kernel(q, k, v, out, lse)
expected, expected_lse = reference(q, k, v, causal=True)
torch.cuda.synchronize()
check(rel_l2(out, expected) < 1e-2, f"causal GQA output rel L2 "
      f"{rel_l2(out, expected):.2e}")
check(rel_l2(lse, expected_lse) < 1e-4, f"lse rel L2 "
      f"{rel_l2(lse, expected_lse):.2e}")

# A side stream: the launch is ordered on it.
side = torch.cuda.Stream()
out2 = torch.zeros_like(q)
with torch.cuda.stream(side):
    kernel(q, k, v, out2, lse)
side.synchronize()
check(torch.equal(out, out2), "launch on a side stream gives the same result")

ms = kernel.time(q, k, v, out, lse, warmup=2, iters=7)
check(ms > 0 and len(kernel.last_times) == 7 and
      min(kernel.last_times) <= ms <= max(kernel.last_times),
      f"time(): median {ms:.4f} ms of {len(kernel.last_times)}")

expect_error(lambda: kernel(q, k, v, out), "expected 5 tensors (query, key, "
             "value, result, lse), got 4")
expect_error(lambda: kernel(q.float(), k, v, out, lse),
             "argument 'query' (0) has dtype torch.float32, the kernel takes "
             "bf16")
expect_error(lambda: kernel(q, k[:, :, :512], v, out, lse),
             "argument 'key' (1) dimension 2 is 512, the manifest fixes it at "
             "1024")
strided = torch.randn(2, 8, 64, 1024, **bf16).transpose(2, 3)
expect_error(lambda: kernel(strided, k, v, out, lse),
             "argument 'query' (0) is not contiguous")
expect_error(lambda: kernel(q.cpu(), k, v, out, lse),
             "argument 'query' (0) is on cpu")

# Dynamic query length: the same full-attention kernel at lengths that are
# not multiples of the 128-row block.
with open(os.path.join(directory, "attention_full.json")) as f:
    manifest = json.load(f)
for arg in manifest["args"]:
    if arg["name"] in ("query", "result"):
        arg["shape"][2] = -1
path = os.path.join(directory, "attention_dynamic.json.txt")
with open(path, "w") as f:
    json.dump(manifest, f)
dynamic = mixrt.Kernel(path)
check(dynamic.args[0].shape == (1, 4, -1, 128), "dynamic shape read as -1")
k = torch.randn(1, 4, 4096, 128, **bf16)
v = torch.randn(1, 4, 4096, 128, **bf16)
for length in (1, 300, 4096):
    q = torch.randn(1, 4, length, 128, **bf16)
    out = torch.empty_like(q)
    dynamic(q, k, v, out)
    expected, _ = reference(q, k, v, causal=False)
    torch.cuda.synchronize()
    check(rel_l2(out, expected) < 1e-2,
          f"dynamic length {length}: rel L2 {rel_l2(out, expected):.2e}")
dynamic.close()
expect_error(lambda: dynamic(q, k, v, out), "the kernel was closed")

print(f"test_mixrt.py: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
