#!/usr/bin/env python3
"""Writes inputs and the NumPy reference output of a causal grouped-query
attention with a sliding window and sinks (the case in ../mixc-run.mlir).

usage: attention_reference.py OUT_DIR
"""
import os
import sys

import numpy as np


def attention(q, k, v, window_left, sinks):
    batch, q_heads, q_len, head_dim = q.shape
    group = q_heads // k.shape[1]
    k = np.repeat(k, group, axis=1).astype(np.float64)
    v = np.repeat(v, group, axis=1).astype(np.float64)
    scores = q.astype(np.float64) @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim)
    i = np.arange(q_len)[:, None]
    j = np.arange(k.shape[2])[None, :]
    allowed = (j <= i) & ((i - j <= window_left) | (j < sinks))
    scores = np.where(allowed, scores, -np.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    return (probs @ v).astype(np.float32)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2026)
    q = rng.standard_normal((2, 4, 13, 16), dtype=np.float32)
    k = rng.standard_normal((2, 2, 13, 16), dtype=np.float32)
    v = rng.standard_normal((2, 2, 13, 16), dtype=np.float32)
    expected = attention(q, k, v, window_left=3, sinks=2)
    for name, array in dict(q=q, k=k, v=v, out=expected).items():
        np.save(os.path.join(out, name + ".npy"), array)
    # A wrong answer, to check that mixc-run notices.
    wrong = expected.copy()
    wrong[1, 3, 12, 0] += 0.01
    np.save(os.path.join(out, "wrong.npy"), wrong)
    # Inputs of the wrong dtype and shape.
    np.save(os.path.join(out, "q_f64.npy"), q.astype(np.float64))
    np.save(os.path.join(out, "q_short.npy"), q[:, :, :12])
    np.save(os.path.join(out, "k_one_batch.npy"), k[:1])


if __name__ == "__main__":
    main()
