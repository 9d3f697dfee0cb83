// Large initializers become dense resources; external data next to the model
// is read; a missing external file is a clear error.
// RUN: rm -rf %t && %python %S/Inputs/make_weight_models.py %t
// RUN: mixc-translate --import-onnx %t/inline.onnx | FileCheck %s
// RUN: mixc-translate --import-onnx %t/external/model.onnx | FileCheck %s
// RUN: mixc-translate --import-onnx %t/external/model.onnx -o %t/external.mlir
// RUN: mixc-run %t/external.mlir --input %t/x.npy --expect %t/y.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s --check-prefix=RAN
// RUN: rm %t/external/weights.bin
// RUN: %expect-exit 1 mixc-translate --import-onnx %t/external/model.onnx 2>&1 | FileCheck %s --check-prefix=MISSING

// CHECK: func.func @main(%arg0: tensor<?x64xf32>) -> tensor<?x96xf32>
// CHECK: arith.constant dense_resource<onnx_0> : tensor<64x96xf32>
// CHECK: {-#
// CHECK: onnx_0: "0x

// RAN: result0: max abs error {{.*}}: ok
// MISSING: model.onnx:0:0: error: tensor 'w': cannot read external data {{.*}}weights.bin
