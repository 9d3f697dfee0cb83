#!/usr/bin/env python3
"""Exports the small PyTorch models that mixc's ONNX import tests use, with
their inputs and expected outputs (from onnxruntime, checked against PyTorch).

Run where PyTorch, onnx and onnxruntime exist (the GPU machine has them):
    python3 export_pytorch_models.py OUT_DIR [MODEL...]
(all models when none is named). OUT_DIR/<model>/ gets model.onnx, input_<i>.npy, output_<i>.npy; a summary is
printed. Models are tiny (d_model 32) so that they can be committed.
"""
import math
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
import torch.nn.functional as F

D_MODEL, HEADS, SEQ, BATCH = 32, 4, 8, 2


class CausalSelfAttention(nn.Module):
    """GPT-2 style: fused QKV projection, tril-buffer mask, masked_fill."""

    def __init__(self, sdpa: bool):
        super().__init__()
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = nn.Linear(D_MODEL, D_MODEL)
        self.sdpa = sdpa
        self.register_buffer(
            "mask", torch.tril(torch.ones(64, 64)).view(1, 1, 64, 64))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(D_MODEL, dim=2)
        shape = (b, t, HEADS, c // HEADS)
        q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
        if self.sdpa:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(b, t, c)
        return self.proj(y)


class GPTBlock(nn.Module):
    def __init__(self, sdpa: bool):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.attn = CausalSelfAttention(sdpa)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.mlp = nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(),
                                 nn.Linear(4 * D_MODEL, D_MODEL))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Monarch(nn.Module):
    """Monarch product as in the M2 reference: two einsums around a reshape."""

    def __init__(self, n=64, m=8):
        super().__init__()
        self.m = m
        self.w1 = nn.Parameter(torch.randn(m, m, m) / math.sqrt(m))
        self.w2 = nn.Parameter(torch.randn(m, m, m) / math.sqrt(m))

    def forward(self, x):
        b, n = x.shape
        m = self.m
        u = torch.einsum("kqp,bkp->bkq", self.w1, x.view(b, m, m))
        u = u.reshape(b, m * m).view(b, m, m).transpose(1, 2)  # (r l) -> l r
        y = torch.einsum("lsr,blr->bsl", self.w2, u)
        return y.reshape(b, m * m)


class SSDQuadratic(nn.Module):
    """Mamba-2's SSD in its quadratic (one-chunk) form, head-major layout:
    y = (C B^T * exp(segsum(dt A))) (x * dt), as the paper's minimal code
    writes the diagonal block."""

    def __init__(self, heads=4):
        super().__init__()
        self.A = nn.Parameter(-0.5 - torch.rand(heads))

    def forward(self, x, dt, B, C):  # x [b,h,l,p], dt [b,h,l], B, C [b,1,l,n]
        length = x.shape[2]
        cs = torch.cumsum(dt * self.A[:, None], dim=-1)
        seg = cs[..., :, None] - cs[..., None, :]
        mask = torch.tril(torch.ones(length, length, dtype=torch.bool))
        decay = torch.exp(seg.masked_fill(~mask, float("-inf")))
        scores = C @ B.transpose(-1, -2)
        return (scores * decay) @ (x * dt[..., None])


ONLY = set(sys.argv[2:])


def export(name, model, inputs, out_dir, dynamic=False, dynamo=False,
           opset=17):
    if ONLY and name not in ONLY:
        return
    model.eval()
    path = os.path.join(out_dir, name)
    os.makedirs(path, exist_ok=True)
    onnx_path = os.path.join(path, "model.onnx")
    kwargs = dict(input_names=[f"input_{i}" for i in range(len(inputs))],
                  output_names=["output_0"], opset_version=opset)
    if dynamo:
        kwargs["dynamo"] = True
        kwargs["external_data"] = False
        if dynamic:
            kwargs["dynamic_shapes"] = ({0: "batch", 1: "seq"},)
    else:
        kwargs["dynamo"] = False
        if dynamic:
            kwargs["dynamic_axes"] = {"input_0": {0: "batch", 1: "seq"},
                                      "output_0": {0: "batch", 1: "seq"}}
    torch.onnx.export(model, tuple(inputs), onnx_path, **kwargs)
    with torch.no_grad():
        expected = model(*inputs).numpy()
    session = ort.InferenceSession(onnx_path,
                                   providers=["CPUExecutionProvider"])
    feeds = {f"input_{i}": t.numpy() for i, t in enumerate(inputs)}
    got = session.run(None, feeds)[0]
    for i, t in enumerate(inputs):
        np.save(os.path.join(path, f"input_{i}.npy"), t.numpy())
    np.save(os.path.join(path, "output_0.npy"), got)
    m = onnx.load(onnx_path)
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"{name}: ir_version {m.ir_version}, opset "
          f"{[o.version for o in m.opset_import if o.domain in ('', 'ai.onnx')]}, "
          f"{len(m.graph.node)} nodes, ort vs torch max diff "
          f"{np.abs(got - expected).max():.2e}, ops: {' '.join(ops)}")


def main():
    out_dir = sys.argv[1]
    torch.manual_seed(0)
    x = torch.randn(BATCH, SEQ, D_MODEL)
    export("gpt_block", GPTBlock(sdpa=False), [x], out_dir)
    export("gpt_block_sdpa", GPTBlock(sdpa=True), [x], out_dir)
    export("gpt_block_dynamic", GPTBlock(sdpa=False), [x], out_dir,
           dynamic=True)
    try:
        export("gpt_block_dynamo", GPTBlock(sdpa=True), [x], out_dir,
               dynamo=True, opset=18)
    except Exception as error:  # the dynamo exporter is optional
        print(f"gpt_block_dynamo: not exported: {error}")
    export("monarch", Monarch(), [torch.randn(4, 64)], out_dir)
    export("ssd", SSDQuadratic(),
           [torch.randn(2, 4, 16, 8), F.softplus(torch.randn(2, 4, 16)),
            torch.randn(2, 1, 16, 6), torch.randn(2, 1, 16, 6)], out_dir)


if __name__ == "__main__":
    main()
