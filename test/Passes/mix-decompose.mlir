// RUN: mixc-opt %s -split-input-file --mix-decompose | FileCheck %s
// RUN: mixc-opt %s -split-input-file --mix-decompose | FileCheck %s --check-prefix=NOMIX

// Every mix op is gone after the pass.
// NOMIX-NOT: mix.

// Grouped heads are expanded, the score matrix is masked (causal, window,
// sinks), and the softmax subtracts the row max; lse = max + log(sum).
// CHECK-LABEL: func @causal_window_sinks_gqa
// CHECK:         %[[GROUP:.+]] = arith.divui
// CHECK:         linalg.generic
// CHECK:           tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x2x8x16xf32>
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK:         %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:         linalg.generic
// CHECK:           arith.cmpi ule
// CHECK:           arith.cmpi ule
// CHECK:           arith.cmpi ult
// CHECK:           arith.ori
// CHECK:           arith.andi
// CHECK:           arith.select %{{.*}}, %{{.*}}, %[[NEG_INF]]
// CHECK:         arith.maximumf
// CHECK:         arith.subf
// CHECK:         math.exp
// CHECK:         arith.divf
// CHECK:         arith.truncf %{{.*}} : f32 to f16
// CHECK:         math.log
// CHECK:         return
func.func @causal_window_sinks_gqa(%q: tensor<1x4x8x16xf16>, %k: tensor<1x2x8x16xf16>, %v: tensor<1x2x8x16xf16>)
    -> (tensor<1x4x8x16xf16>, tensor<1x4x8xf32>) {
  %o, %lse = mix.attention %q, %k, %v {causal, window_left = 3 : i64, sink_tokens = 1 : i64}
      : (tensor<1x4x8x16xf16>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xf16>) -> (tensor<1x4x8x16xf16>, tensor<1x4x8xf32>)
  return %o, %lse : tensor<1x4x8x16xf16>, tensor<1x4x8xf32>
}

// -----

// A block mask is read at (i / bq, j / bk); a broadcast bias at head 0.
// CHECK-LABEL: func @block_mask_and_bias
// CHECK:         linalg.generic
// CHECK:           %[[BQ:.+]] = arith.constant 16 : index
// CHECK:           arith.divui %{{.*}}, %[[BQ]]
// CHECK:           tensor.extract %{{.*}} : tensor<2x4x2x3xi8>
// CHECK:           arith.cmpi ne
func.func @block_mask_and_bias(%q: tensor<2x4x20x8xf32>, %k: tensor<2x4x40x8xf32>, %v: tensor<2x4x40x8xf32>,
                               %bias: tensor<2x1x20x40xf32>, %mask: tensor<2x4x2x3xi8>) -> tensor<2x4x20x8xf32> {
  %o = mix.attention %q, %k, %v bias(%bias) block_mask(%mask) {block_sizes = array<i64: 16, 16>}
      : (tensor<2x4x20x8xf32>, tensor<2x4x40x8xf32>, tensor<2x4x40x8xf32>, tensor<2x1x20x40xf32>, tensor<2x4x2x3xi8>)
      -> tensor<2x4x20x8xf32>
  return %o : tensor<2x4x20x8xf32>
}

// -----

// Causal linear attention runs its recurrence: state S, numerator and the
// normalizer are carried through one scf.for over the sequence.
// CHECK-LABEL: func @causal_linear_attention
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<1x2x4x6xf32>, tensor<1x2x10x6xf32>, tensor<1x2x4xf32>, tensor<1x2x10xf32>)
// CHECK:           tensor.extract_slice
// CHECK:           tensor.insert_slice
// CHECK:           scf.yield
// CHECK:         arith.divf
func.func @causal_linear_attention(%q: tensor<1x2x10x4xf32>, %k: tensor<1x2x10x4xf32>, %v: tensor<1x2x10x6xf32>,
                                   %decay: tensor<2xf32>) -> tensor<1x2x10x6xf32> {
  %o = mix.linear_attention %q, %k, %v decay(%decay) {causal, normalize, feature_map = #mix.feature_map<elu_plus_one>}
      : (tensor<1x2x10x4xf32>, tensor<1x2x10x4xf32>, tensor<1x2x10x6xf32>, tensor<2xf32>) -> tensor<1x2x10x6xf32>
  return %o : tensor<1x2x10x6xf32>
}

// -----

// Non-causal linear attention is its quadratic form, weighted gamma^|i-j|.
// CHECK-LABEL: func @bidirectional_decay_linear_attention
// CHECK-NOT:     scf.for
// CHECK:         math.powf
func.func @bidirectional_decay_linear_attention(%q: tensor<1x2x10x4xf32>, %k: tensor<1x2x10x4xf32>,
                                                %v: tensor<1x2x10x6xf32>, %decay: tensor<2xf32>) -> tensor<1x2x10x6xf32> {
  %o = mix.linear_attention %q, %k, %v decay(%decay)
      : (tensor<1x2x10x4xf32>, tensor<1x2x10x4xf32>, tensor<1x2x10x6xf32>, tensor<2xf32>) -> tensor<1x2x10x6xf32>
  return %o : tensor<1x2x10x6xf32>
}

// -----

// A bidirectional selective scan runs the recurrence twice; the reverse scan
// walks t = L-1-iv. Softplus is computed without overflow.
// CHECK-LABEL: func @bidirectional_selective_scan
// CHECK:         math.log1p
// CHECK:         scf.for
// CHECK:           math.exp
// CHECK:         scf.for
// CHECK:           arith.subi
// CHECK:         arith.addf
func.func @bidirectional_selective_scan(%x: tensor<2x8x12xf32>, %dt: tensor<2x8x12xf32>, %A: tensor<8x4xf32>,
                                        %B: tensor<2x2x4x12xf32>, %C: tensor<2x2x4x12xf32>, %D: tensor<8xf32>,
                                        %z: tensor<2x8x12xf32>) -> tensor<2x8x12xf32> {
  %y = mix.selective_scan %x, %dt, %A, %B, %C skip(%D) gate(%z) {direction = #mix.direction<bidirectional>, delta_softplus}
      : (tensor<2x8x12xf32>, tensor<2x8x12xf32>, tensor<8x4xf32>, tensor<2x2x4x12xf32>, tensor<2x2x4x12xf32>,
         tensor<8xf32>, tensor<2x8x12xf32>) -> tensor<2x8x12xf32>
  return %y : tensor<2x8x12xf32>
}

// -----

// SSD carries a [B, H, P, N] state through the causal scan.
// CHECK-LABEL: func @causal_ssd
// CHECK:         scf.for {{.*}} -> (tensor<1x4x8x16xf32>, tensor<1x20x4x8xf32>)
// CHECK:         arith.truncf %{{.*}} : f32 to bf16
func.func @causal_ssd(%x: tensor<1x20x4x8xbf16>, %dt: tensor<1x20x4xf32>, %A: tensor<4xf32>,
                      %B: tensor<1x20x2x16xbf16>, %C: tensor<1x20x2x16xbf16>) -> tensor<1x20x4x8xbf16> {
  %y = mix.ssd %x, %dt, %A, %B, %C
      : (tensor<1x20x4x8xbf16>, tensor<1x20x4xf32>, tensor<4xf32>, tensor<1x20x2x16xbf16>, tensor<1x20x2x16xbf16>)
      -> tensor<1x20x4x8xbf16>
  return %y : tensor<1x20x4x8xbf16>
}

// -----

// Monarch: the first factor reads x at kb * p + pi, the second reads the
// intermediate at ri * l + lb (the permutation); then [t, s, l] is flattened.
// CHECK-LABEL: func @rectangular_monarch
// CHECK:         %[[P:.+]] = arith.constant 8 : index
// CHECK:         %[[Q:.+]] = arith.constant 6 : index
// CHECK:         %[[L:.+]] = arith.constant 3 : index
// CHECK:         %[[U:.+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4x6x8xf32>) outs(%{{.*}} : tensor<5x4x6xf32>)
// CHECK:           arith.muli %{{.*}}, %[[P]]
// CHECK:           tensor.extract %{{.*}} : tensor<5x32xf32>
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<3x5x8xf32>) outs(%{{.*}} : tensor<5x5x3xf32>)
// CHECK:           arith.muli %{{.*}}, %[[L]]
// CHECK:           arith.divui %{{.*}}, %[[Q]]
// CHECK:           arith.remui %{{.*}}, %[[Q]]
// CHECK:           tensor.extract %[[U]]
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<5x5x3xf32> into tensor<5x15xf32>
func.func @rectangular_monarch(%x: tensor<5x32xf32>, %r: tensor<4x6x8xf32>, %l: tensor<3x5x8xf32>) -> tensor<5x15xf32> {
  %y = mix.monarch %x, %r, %l : (tensor<5x32xf32>, tensor<4x6x8xf32>, tensor<3x5x8xf32>) -> tensor<5x15xf32>
  return %y : tensor<5x15xf32>
}

// -----

// The inverse permutation first inverts each index row, then gathers.
// CHECK-LABEL: func @inverse_permute_per_head
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             tensor.insert
// CHECK:         linalg.generic
// CHECK:           tensor.extract %{{.*}} : tensor<4x6xi32>
// CHECK:           arith.index_cast
// CHECK:           tensor.extract %{{.*}} : tensor<1x4x6x8xf16>
func.func @inverse_permute_per_head(%x: tensor<1x4x6x8xf16>, %perm: tensor<4x6xi32>) -> tensor<1x4x6x8xf16> {
  %y = mix.permute %x, %perm {axis = 2 : i64, inverse} : (tensor<1x4x6x8xf16>, tensor<4x6xi32>) -> tensor<1x4x6x8xf16>
  return %y : tensor<1x4x6x8xf16>
}
