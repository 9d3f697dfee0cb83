// Bad ONNX input: a clear error naming the node (or the value), exit status
// exactly 1, nothing printed on stdout.
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/unknown_op.onnxtext 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: unknown_op.onnxtext:0:0: error: node 'Frobnicate_0' (Frobnicate, opset 17): not supported
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/opset_too_new.onnxtext 2>&1 | FileCheck %s --check-prefix=OPSET
// OPSET: error: node 'Relu_0' (Relu, opset 99): not supported
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/other_domain.onnxtext 2>&1 | FileCheck %s --check-prefix=DOMAIN
// DOMAIN: error: node 'FastGelu_0' (FastGelu, opset 17): domain 'com.microsoft' is not supported
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/undefined_input.onnxtext 2>&1 | FileCheck %s --check-prefix=UNDEFINED
// UNDEFINED: error: node 'Add_0' (Add, opset 17): input 'nowhere' is not produced by an earlier node, a graph input or an initializer
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/broadcast_mismatch.onnxtext 2>&1 | FileCheck %s --check-prefix=SHAPES
// SHAPES: error: node 'Add_0' (Add, opset 17): cannot broadcast dimension 1: sizes 3 and 5
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/unsupported_type.onnxtext 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: error: graph value 'x' has data type STRING, which is not supported
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/never_produced.onnxtext 2>&1 | FileCheck %s --check-prefix=OUTPUT
// OUTPUT: error: graph output 'w' is never produced
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/bad_text.onnxtext 2>&1 | FileCheck %s --check-prefix=TEXT
// TEXT: error: not a valid ONNX text model: a literal could not be read (stof)

// Malformed and truncated protobuf.
// RUN: printf '\x08\x07\x12\x03abc\x3a\xff\xff' > %t.garbage.onnx
// RUN: %expect-exit 1 mixc-translate --import-onnx %t.garbage.onnx 2>&1 | FileCheck %s --check-prefix=PROTO
// RUN: head -c 300 %S/models/pytorch/gpt_block/model.onnx > %t.truncated.onnx
// RUN: %expect-exit 1 mixc-translate --import-onnx %t.truncated.onnx 2>&1 | FileCheck %s --check-prefix=PROTO
// PROTO: error: not a valid ONNX model (protobuf parse failed)
// RUN: %expect-exit 1 mixc-translate --import-onnx %t.missing.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: cannot open input file '{{.*}}missing.onnx': No such file or directory

// Inputs the fuzzer found (scripts/fuzz.sh): each once crashed the importer.
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/fuzz-concat-scalar.onnx 2>&1 | FileCheck %s --check-prefix=SCALAR
// SCALAR: error: node '/attn/Concat' (Concat, opset 17): axis 0 is out of range for rank 0
// RUN: %expect-exit 1 mixc-translate --import-onnx %S/models/errors/fuzz-missing-required-input.onnx 2>&1 | FileCheck %s --check-prefix=REQUIRED
// REQUIRED: error: node 'CumSum_0' (CumSum, opset 14): required input 0 is missing (the op takes at least 2)
// A Slice end of INT64_MAX ("to the end") hit DenseMap's reserved key.
// RUN: %expect-exit 0 mixc-translate --import-onnx %S/models/errors/fuzz-slice-int64-max.onnx -o /dev/null
