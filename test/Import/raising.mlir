// Softmax attention in ONNX graphs becomes one mix.attention, the quadratic
// form of Mamba-2's SSD one mix.ssd and Monarch Mixer's einsum form one
// mix.monarch, each computing what the plain graph computes. The PyTorch models
// (models/pytorch, made by models/export_pytorch_models.py) carry
// onnxruntime's outputs.

// TorchScript exporter, manual attention: tril buffer -> Where(mask == 0, -inf, S).
// RUN: mixc-translate --import-onnx %S/models/pytorch/gpt_block/model.onnx -o %t.manual.mlir
// RUN: FileCheck %s --check-prefix=MANUAL < %t.manual.mlir
// RUN: mixc-run %t.manual.mlir --input %S/models/pytorch/gpt_block/input_0.npy \
// RUN:   --expect %S/models/pytorch/gpt_block/output_0.npy --rtol 1e-4 --atol 1e-5 | FileCheck %s --check-prefix=OK
// MANUAL: func.func @main(%{{.*}}: tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
// MANUAL-COUNT-1: mix.attention {{.*}} {causal, scale = 0.353553385 : f32} : (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
// MANUAL-NOT: mix.attention

// TorchScript exporter, F.scaled_dot_product_attention(is_causal=True):
// Trilu -> Equal -> Where builds the mask, sqrt(scale) multiplies Q and K.
// RUN: mixc-translate --import-onnx %S/models/pytorch/gpt_block_sdpa/model.onnx -o %t.sdpa.mlir
// RUN: FileCheck %s --check-prefix=SDPA < %t.sdpa.mlir
// RUN: mixc-run %t.sdpa.mlir --input %S/models/pytorch/gpt_block_sdpa/input_0.npy \
// RUN:   --expect %S/models/pytorch/gpt_block_sdpa/output_0.npy --rtol 1e-4 --atol 1e-5 | FileCheck %s --check-prefix=OK
// SDPA: mix.attention {{.*}} {causal, scale = {{.*}} : f32}

// Dynamic batch and length: the mask is sliced at run time, so it is a bias.
// RUN: mixc-translate --import-onnx %S/models/pytorch/gpt_block_dynamic/model.onnx -o %t.dynamic.mlir
// RUN: FileCheck %s --check-prefix=DYNAMIC < %t.dynamic.mlir
// RUN: mixc-run %t.dynamic.mlir --input %S/models/pytorch/gpt_block_dynamic/input_0.npy \
// RUN:   --expect %S/models/pytorch/gpt_block_dynamic/output_0.npy --rtol 1e-4 --atol 1e-5 | FileCheck %s --check-prefix=OK
// DYNAMIC: func.func @main(%{{.*}}: tensor<?x?x32xf32>) -> tensor<?x?x32xf32>
// DYNAMIC: mix.attention {{.*}} bias(%{{.*}}) {scale = 0.353553385 : f32} : (tensor<?x4x?x8xf32>

// The dynamo exporter (IR version 10, opset 18), which Debian's onnx 1.12
// checker would refuse.
// RUN: mixc-translate --import-onnx %S/models/pytorch/gpt_block_dynamo/model.onnx -o %t.dynamo.mlir
// RUN: FileCheck %s --check-prefix=DYNAMO < %t.dynamo.mlir
// RUN: mixc-run %t.dynamo.mlir --input %S/models/pytorch/gpt_block_dynamo/input_0.npy \
// RUN:   --expect %S/models/pytorch/gpt_block_dynamo/output_0.npy --rtol 1e-4 --atol 1e-5 | FileCheck %s --check-prefix=OK
// DYNAMO: mix.attention {{.*}} {causal, scale = {{.*}} : f32}

// OK: result0: max abs error {{.*}}: ok

// Small graphs: each raised form against the same graph imported plainly.
// RUN: mixc-translate --import-onnx %S/models/raising/where_keep_causal.onnxtext | FileCheck %s --check-prefix=KEEP
// KEEP: mix.attention %arg0, %arg1, %arg2 {causal, scale = 0.353553385 : f32}
// RUN: mixc-translate --import-onnx %S/models/raising/add_runtime_bias.onnxtext | FileCheck %s --check-prefix=BIAS
// BIAS: %[[BIAS:.+]] = tensor.expand_shape %arg3 {{\[\[}}0, 1, 2], [3]] output_shape [1, 1, 5, 7]
// BIAS: mix.attention %arg0, %{{.*}}, %arg2 bias(%[[BIAS]]) {scale = 5.000000e-01 : f32}
// RUN: mixc-translate --import-onnx %S/models/raising/rank3_no_mask.onnxtext | FileCheck %s --check-prefix=RANK3
// RANK3: mix.attention {{.*}} -> tensor<6x1x5x8xf32>
// RANK3: tensor.collapse_shape {{.*}} into tensor<6x5x8xf32>
// RUN: mixc-translate --import-onnx %S/models/raising/softmax_wrong_axis.onnxtext | FileCheck %s --check-prefix=PLAIN
// PLAIN-NOT: mix.attention

// A known mask that broadcasts along the rows is not causal, whatever it
// holds, and no mix.attention bias either: the graph stays plain.
// RUN: mixc-translate --import-onnx %S/models/raising/row_mask_not_causal.onnxtext | FileCheck %s --check-prefix=ROW
// ROW-NOT: mix.attention

// SSD in its quadratic form: a causal decay mask (Where before Exp, or a 0/1
// factor after it) becomes one mix.ssd with layout transposes around it. A
// strictly-lower mask, or x scaled by another dt than the decay's, is a
// different function: the graph stays plain.
// RUN: mixc-translate --import-onnx %S/models/raising/ssd_where_causal.onnxtext | FileCheck %s --check-prefix=SSD1
// SSD1: func.func @main(%arg0: tensor<2x3x6x4xf32>, %arg1: tensor<2x3x6xf32>, %arg2: tensor<2x1x6x5xf32>, %arg3: tensor<2x1x6x5xf32>)
// SSD1: %[[A:.+]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<3x1xf32> into tensor<3xf32>
// SSD1: mix.ssd %{{.*}}, %{{.*}}, %[[A]], %{{.*}}, %{{.*}} : (tensor<2x6x3x4xf32>, tensor<2x6x3xf32>, tensor<3xf32>, tensor<2x6x1x5xf32>, tensor<2x6x1x5xf32>) -> tensor<2x6x3x4xf32>
// SSD1-NOT: math.exp
// RUN: mixc-translate --import-onnx %S/models/raising/ssd_mask_multiply.onnxtext | FileCheck %s --check-prefix=SSD3
// SSD3: mix.ssd {{.*}} tensor<2x6x3x5xf32>, tensor<2x6x3x5xf32>) -> tensor<2x6x3x4xf32>
// RUN: mixc-translate --import-onnx %S/models/raising/ssd_strict_mask.onnxtext | FileCheck %s --check-prefix=NOSSD
// RUN: mixc-translate --import-onnx %S/models/raising/ssd_two_dts.onnxtext | FileCheck %s --check-prefix=NOSSD
// NOSSD-NOT: mix.ssd

// RUN: rm -rf %t.cmp && mkdir -p %t.cmp
// RUN: for m in where_keep_causal add_runtime_bias rank3_no_mask row_mask_not_causal \
// RUN:          ssd_where_causal ssd_mask_multiply ssd_strict_mask ssd_two_dts; do \
// RUN:   mixc-translate --import-onnx %S/models/raising/$m.onnxtext -o %t.cmp/$m.raised.mlir && \
// RUN:   mixc-translate --import-onnx --onnx-raise=false %S/models/raising/$m.onnxtext -o %t.cmp/$m.plain.mlir && \
// RUN:   mixc-run %t.cmp/$m.plain.mlir --random-inputs 5 --output-dir %t.cmp/$m > /dev/null && \
// RUN:   mixc-run %t.cmp/$m.raised.mlir --random-inputs 5 --expect %t.cmp/$m/result0.npy --rtol 1e-5 --atol 1e-6 || exit 1; \
// RUN: done | FileCheck %s --check-prefix=SAME
// SAME-COUNT-8: result0: max abs error {{.*}}: ok

// Monarch (M2 reference form, TorchScript exporter): Reshape -> Einsum ->
// Reshape -> Reshape -> Transpose -> Einsum -> Reshape.
// RUN: mixc-translate --import-onnx %S/models/pytorch/monarch/model.onnx -o %t.monarch.mlir
// RUN: FileCheck %s --check-prefix=MONARCH < %t.monarch.mlir
// RUN: mixc-run %t.monarch.mlir --input %S/models/pytorch/monarch/input_0.npy \
// RUN:   --expect %S/models/pytorch/monarch/output_0.npy --rtol 1e-4 --atol 1e-5 | FileCheck %s --check-prefix=OK
// MONARCH: func.func @main(%arg0: tensor<4x64xf32>) -> tensor<4x64xf32>
// MONARCH-NEXT: arith.constant
// MONARCH-NEXT: arith.constant
// MONARCH-NEXT: mix.monarch %arg0, %{{.*}}, %{{.*}} : (tensor<4x64xf32>, tensor<8x8x8xf32>, tensor<8x8x8xf32>) -> tensor<4x64xf32>
// MONARCH-NOT: linalg.generic

// SSD, TorchScript exporter: the quadratic form as Mamba-2's minimal code
// writes it, with the mask built in the graph (Trilu -> Not -> Cast -> Where).
// RUN: mixc-translate --import-onnx %S/models/pytorch/ssd/model.onnx -o %t.ssd.mlir
// RUN: FileCheck %s --check-prefix=TORCHSSD < %t.ssd.mlir
// RUN: mixc-run %t.ssd.mlir --input %S/models/pytorch/ssd/input_0.npy \
// RUN:   --input %S/models/pytorch/ssd/input_1.npy --input %S/models/pytorch/ssd/input_2.npy \
// RUN:   --input %S/models/pytorch/ssd/input_3.npy \
// RUN:   --expect %S/models/pytorch/ssd/output_0.npy --rtol 1e-4 --atol 1e-5 | FileCheck %s --check-prefix=OK
// TORCHSSD: mix.ssd {{.*}} : (tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<4xf32>, tensor<2x16x1x6xf32>, tensor<2x16x1x6xf32>) -> tensor<2x16x4x8xf32>
// TORCHSSD-NOT: math.exp
