#!/usr/bin/env python3
"""Writes a MatMul + Add model whose weight (64 x 96 = 6144 floats) is large
enough to become a dense resource, once with the weight inline and once as
external data beside the model, plus an input and NumPy's expected output.

usage: make_weight_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "external"), exist_ok=True)
    rng = np.random.default_rng(7)
    weight = rng.standard_normal((64, 96)).astype(np.float32)
    bias = rng.standard_normal((96,)).astype(np.float32)
    x = rng.standard_normal((3, 64)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["xw"]),
         helper.make_node("Add", ["xw", "b"], ["y"])],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 96])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(out, "inline.onnx"))
    onnx.save(model, os.path.join(out, "external", "model.onnx"),
              save_as_external_data=True, all_tensors_to_one_file=True,
              location="weights.bin", size_threshold=1024)
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "y.npy"), x @ weight + bias)


if __name__ == "__main__":
    main()
