//===- MixOps.td - The mix ops ---------------------------------*- tablegen -*-===//
//
// One op per sequence-mixer family. Each description states the exact math and
// shapes; the CPU decomposition implements exactly that and the GPU kernel
// builders must match it. Verifiers (MixOps.cpp) check every rule below.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_DIALECT_MIX_MIXOPS_TD
#define MIXC_DIALECT_MIX_MIXOPS_TD

include "mixc/Dialect/Mix/MixBase.td"
include "mixc/Dialect/Mix/MixAttrs.td"
include "mixc/Dialect/Mix/MixInterfaces.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Mix_Op<string mnemonic, list<Trait> traits = []>
    : Op<Mix_Dialect, mnemonic,
         !listconcat(traits, [Pure, Mix_ScheduledOpInterface])> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// mix.attention
//===----------------------------------------------------------------------===//

def Mix_AttentionOp : Mix_Op<"attention", [AttrSizedOperandSegments]> {
  let summary = "softmax attention with masks, sinks and grouped heads";
  let description = [{
    Scaled dot-product attention over tensors in (batch, heads, length, dim)
    layout:

    - `query`: `[B, Hq, Lq, D]`, `key`: `[B, Hkv, Lk, D]`,
      `value`: `[B, Hkv, Lk, Dv]`; `Hkv` divides `Hq` (grouped-query
      attention: query head `h` reads key/value head `h / (Hq / Hkv)`).
    - `output`: `[B, Hq, Lq, Dv]`; optional `lse`: `[B, Hq, Lq]` in f32, the
      natural log-sum-exp of each softmax row.

    For query position `i` and key position `j`:

    ```
    s[i, j] = scale * dot(query[i], key[j]) + bias[i, j]
    allowed(i, j) = causal  -> j <= i
                    window  -> i - window_left <= j <= i + window_right
                    sinks   -> j < sink_tokens is allowed whatever the window
                    mask    -> block_mask[i / block_sizes[0], j / block_sizes[1]] != 0
    p[i, :] = softmax over allowed j of s[i, :]   (max-subtracted)
    output[i] = sum_j p[i, j] * value[j]
    ```

    Positions are aligned top-left (query `i` sits at key position `i`), as in
    PyTorch's `scaled_dot_product_attention` and ONNX `Attention`. All
    conditions that apply must hold (sinks widen only the window condition).
    `scale` defaults to `1 / sqrt(D)`. `causal` sets the right window to 0 and
    so excludes `window_right`. A row with no allowed key yields zeros and an
    `lse` of -inf. `bias` is additive, shaped `[B|1, Hq|1, Lq, Lk]`;
    `block_mask` is `[B|1, Hq|1, ceil(Lq / bq), ceil(Lk / bk)]` with
    `block_sizes = array<i64: bq, bk>`; a nonzero entry keeps the block.
    `sink_tokens` needs `window_left` (without a window every key is already
    visible). Element types: `query` and `key` share one (f32, f16, bf16,
    f8E4M3FN, f8E5M2 or i8 for quantized kernels); the output is f32, f16 or
    bf16.

    ```mlir
    %o = mix.attention %q, %k, %v {causal, window_left = 256 : i64, sink_tokens = 4 : i64}
        : (tensor<2x8x1024x128xbf16>, tensor<2x2x1024x128xbf16>, tensor<2x2x1024x128xbf16>)
        -> tensor<2x8x1024x128xbf16>
    ```
  }];
  let arguments = (ins
    Mix_Tensor:$query,
    Mix_Tensor:$key,
    Mix_Tensor:$value,
    Optional<Mix_FloatTensor>:$bias,
    Optional<Mix_MaskTensor>:$block_mask,
    OptionalAttr<F32Attr>:$scale,
    UnitAttr:$causal,
    OptionalAttr<I64Attr>:$window_left,
    OptionalAttr<I64Attr>:$window_right,
    DefaultValuedAttr<I64Attr, "0">:$sink_tokens,
    OptionalAttr<DenseI64ArrayAttr>:$block_sizes,
    OptionalAttr<Mix_ScheduleAttr>:$schedule
  );
  let results = (outs Mix_ResultTensor:$output, Optional<RankedTensorOf<[F32]>>:$lse);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`bias` `(` $bias^ `)`)?
    (`block_mask` `(` $block_mask^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    // Plain attention: output type follows query/value, no masks, default scale.
    OpBuilder<(ins "::mlir::Value":$query, "::mlir::Value":$key,
                   "::mlir::Value":$value, CArg<"bool", "false">:$causal)>,
  ];
  let extraClassDeclaration = [{
    /// The softmax scale: the attribute if set, else 1 / sqrt(head dim).
    /// Returns std::nullopt when it is unset and the head dim is dynamic.
    std::optional<double> getEffectiveScale();
  }];
}

//===----------------------------------------------------------------------===//
// mix.linear_attention
//===----------------------------------------------------------------------===//

def Mix_LinearAttentionOp : Mix_Op<"linear_attention"> {
  let summary = "kernelized (linear) attention with optional decay";
  let description = [{
    Attention with the softmax replaced by a feature map `phi`, in
    (batch, heads, length, dim) layout: `query`, `key`: `[B, H, L, Dk]`,
    `value`: `[B, H, L, Dv]`, `output`: `[B, H, L, Dv]`.

    ```
    w(i, j)   = decay weight: 1 without decay; gamma[h]^(i - j) for a per-head
                decay `[H]` (RetNet); prod_{t=j+1..i} gamma[b, h, t] for a
                per-token decay `[B, H, L]` (gated linear attention)
    allowed   = causal -> j <= i, else all j
    num[i]    = sum_{allowed j} w(i, j) * dot(phi(query[i]), phi(key[j])) * value[j]
    den[i]    = sum_{allowed j} w(i, j) * dot(phi(query[i]), phi(key[j]))
    output[i] = normalize ? num[i] / den[i] : num[i]
    ```

    For a per-head decay without `causal`, `w(i, j) = gamma[h]^|i - j|`. A
    per-token decay needs `causal`. `phi` is `identity`, `elu_plus_one`
    (`elu(x) + 1`) or `relu`.

    ```mlir
    %o = mix.linear_attention %q, %k, %v decay(%g) {causal, feature_map = #mix.feature_map<elu_plus_one>}
        : (tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<1x4x512x64xf32>, tensor<4xf32>)
        -> tensor<1x4x512x64xf32>
    ```
  }];
  let arguments = (ins
    Mix_FloatTensor:$query,
    Mix_FloatTensor:$key,
    Mix_FloatTensor:$value,
    Optional<Mix_FloatTensor>:$decay,
    DefaultValuedAttr<Mix_FeatureMapAttr, "::mixc::mix::FeatureMap::identity">:$feature_map,
    UnitAttr:$causal,
    UnitAttr:$normalize,
    OptionalAttr<Mix_ScheduleAttr>:$schedule
  );
  let results = (outs Mix_ResultTensor:$output);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`decay` `(` $decay^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$query, "::mlir::Value":$key,
                   "::mlir::Value":$value, "::mixc::mix::FeatureMap":$featureMap,
                   CArg<"bool", "true">:$causal)>,
  ];
}

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

def Mix_SelectiveScanOp : Mix_Op<"selective_scan", [AttrSizedOperandSegments]> {
  let summary = "Mamba-1 selective state-space scan";
  let description = [{
    The selective scan of Mamba (S6), in Mamba's channel-first layout:
    `x`, `delta`, optional `z`: `[B, D, L]`; `A`: `[D, N]`;
    `B`, `C`: `[B, G, N, L]` with `G` groups dividing `D` (channel `d` reads
    group `d / (D / G)`); optional `D`: `[D]`; optional `delta_bias`: `[D]`.
    The result `y` has the shape of `x`, in f32, f16 or bf16.

    ```
    dt[d, t]   = delta[d, t] + delta_bias[d], then softplus if delta_softplus
    h[d, n, t] = exp(dt[d, t] * A[d, n]) * h[d, n, t-1] + dt[d, t] * B[g, n, t] * x[d, t]
    y[d, t]    = sum_n C[g, n, t] * h[d, n, t] + D[d] * x[d, t]
    y          = y * silu(z)  when z is given
    ```

    `forward` runs `t = 0 .. L-1` from `h = 0`; `reverse` runs `t = L-1 .. 0`
    (reading `h[t+1]`); `bidirectional` adds the two scans' state terms and
    counts the `D` skip once.

    ```mlir
    %y = mix.selective_scan %x, %dt, %A, %B, %C skip(%D) gate(%z) {delta_softplus}
        : (tensor<2x64x256xf32>, tensor<2x64x256xf32>, tensor<64x16xf32>,
           tensor<2x1x16x256xf32>, tensor<2x1x16x256xf32>, tensor<64xf32>, tensor<2x64x256xf32>)
        -> tensor<2x64x256xf32>
    ```
  }];
  let arguments = (ins
    Mix_FloatTensor:$x,
    Mix_FloatTensor:$delta,
    Mix_FloatTensor:$A,
    Mix_FloatTensor:$B,
    Mix_FloatTensor:$C,
    Optional<Mix_FloatTensor>:$D,
    Optional<Mix_FloatTensor>:$z,
    Optional<Mix_FloatTensor>:$delta_bias,
    DefaultValuedAttr<Mix_ScanDirectionAttr, "::mixc::mix::ScanDirection::forward">:$direction,
    UnitAttr:$delta_softplus,
    OptionalAttr<Mix_ScheduleAttr>:$schedule
  );
  let results = (outs Mix_ResultTensor:$y);
  let assemblyFormat = [{
    $x `,` $delta `,` $A `,` $B `,` $C
    (`skip` `(` $D^ `)`)?
    (`gate` `(` $z^ `)`)?
    (`delta_bias` `(` $delta_bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$x, "::mlir::Value":$delta,
                   "::mlir::Value":$A, "::mlir::Value":$B, "::mlir::Value":$C,
                   "::mlir::Value":$D, "::mixc::mix::ScanDirection":$direction)>,
  ];
}

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

def Mix_SSDOp : Mix_Op<"ssd", [AttrSizedOperandSegments]> {
  let summary = "Mamba-2 structured state-space duality (SSD) mixer";
  let description = [{
    The scalar-decay state-space model of Mamba-2, in its layout:
    `x`: `[B, L, H, P]`, `dt`: `[B, L, H]`, `A`: `[H]`,
    `B`, `C`: `[B, L, G, N]` with `G` groups dividing `H` (head `h` reads group
    `h / (H / G)`), optional `D`: `[H]`, optional `dt_bias`: `[H]`. The result
    `y` has the shape of `x`, in f32, f16 or bf16.

    ```
    dt[t, h]  = dt[t, h] + dt_bias[h], then softplus if dt_softplus
    a[t, h]   = exp(dt[t, h] * A[h])
    M[t, s]   = dot(C[t, g], B[s, g]) * prod_{r=s+1..t} a[r, h] * dt[s, h]    (s <= t)
    y[t, h]   = sum_{s <= t} M[t, s] * x[s, h] + D[h] * x[t, h]
    ```

    `forward` is the causal (Mamba-2) form. `bidirectional` is Hydra's
    quasiseparable form: the strictly-lower part above plus its mirror image
    (`s > t`, with `prod_{r=t..s-1} a[r, h]`), the diagonal `dot(C[t], B[t]) *
    dt[t]` counted once, plus the `D` skip. `reverse` is not an SSD form. The
    chunk size is a schedule choice, not part of the meaning.

    ```mlir
    %y = mix.ssd %x, %dt, %A, %B, %C skip(%D) {dt_softplus}
        : (tensor<1x4096x32x64xbf16>, tensor<1x4096x32xf32>, tensor<32xf32>,
           tensor<1x4096x1x128xbf16>, tensor<1x4096x1x128xbf16>, tensor<32xf32>)
        -> tensor<1x4096x32x64xbf16>
    ```
  }];
  let arguments = (ins
    Mix_FloatTensor:$x,
    Mix_FloatTensor:$dt,
    Mix_FloatTensor:$A,
    Mix_FloatTensor:$B,
    Mix_FloatTensor:$C,
    Optional<Mix_FloatTensor>:$D,
    Optional<Mix_FloatTensor>:$dt_bias,
    DefaultValuedAttr<Mix_ScanDirectionAttr, "::mixc::mix::ScanDirection::forward">:$direction,
    UnitAttr:$dt_softplus,
    OptionalAttr<Mix_ScheduleAttr>:$schedule
  );
  let results = (outs Mix_ResultTensor:$y);
  let assemblyFormat = [{
    $x `,` $dt `,` $A `,` $B `,` $C
    (`skip` `(` $D^ `)`)?
    (`dt_bias` `(` $dt_bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$x, "::mlir::Value":$dt, "::mlir::Value":$A,
                   "::mlir::Value":$B, "::mlir::Value":$C, "::mlir::Value":$D,
                   CArg<"::mixc::mix::ScanDirection",
                        "::mixc::mix::ScanDirection::forward">:$direction)>,
  ];
}

//===----------------------------------------------------------------------===//
// mix.monarch
//===----------------------------------------------------------------------===//

def Mix_MonarchOp : Mix_Op<"monarch"> {
  let summary = "Monarch product: two block-diagonal factors with a transpose between";
  let description = [{
    Multiplies the last dimension of `x` (`[..., n]`) by a Monarch matrix
    `M = P L P^T R`, given as its two block-diagonal factors:
    `first_factor` `[k, q, p]` (k blocks, each p -> q; `n = k * p`) and
    `second_factor` `[l, s, r]` (l blocks, each r -> s; `l * r = k * q`). The
    result is `[..., l * s]` with the leading dimensions of `x`.

    ```
    u[kb * q + qi] = sum_pi first_factor[kb, qi, pi] * x[kb * p + pi]
    y[si * l + lb] = sum_ri second_factor[lb, si, ri] * u[ri * l + lb]
    ```

    The permutation `P` lies in the strided reads and writes: block `lb` of
    the second factor gathers every `l`-th entry of `u` (starting at `lb`) and
    scatters its outputs with the same stride, i.e. `u` viewed as `[r, l]` is
    read transposed.

    With `k = q = p = l = s = r = sqrt(n)` this is the square Monarch matrix of
    Dao et al.; one block (`k = 1`) is a dense matrix. Element types of `x` and
    the factors are float; the result is f32, f16 or bf16.

    ```mlir
    %y = mix.monarch %x, %r, %l
        : (tensor<16384x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>)
        -> tensor<16384x1024xbf16>
    ```
  }];
  let arguments = (ins
    Mix_FloatTensor:$x,
    Mix_FloatTensor:$first_factor,
    Mix_FloatTensor:$second_factor,
    OptionalAttr<Mix_ScheduleAttr>:$schedule
  );
  let results = (outs Mix_ResultTensor:$y);
  let assemblyFormat = [{
    $x `,` $first_factor `,` $second_factor attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    // Result type derived from x and the factors' shapes.
    OpBuilder<(ins "::mlir::Value":$x, "::mlir::Value":$firstFactor,
                   "::mlir::Value":$secondFactor)>,
  ];
}

//===----------------------------------------------------------------------===//
// mix.permute
//===----------------------------------------------------------------------===//

def Mix_PermuteOp : Mix_Op<"permute"> {
  let summary = "token permutation along one axis, or its inverse";
  let description = [{
    Gathers `input` along `axis` by a permutation:

    ```
    inverse unset: output[..., i, ...]          = input[..., indices[i], ...]
    inverse set:   output[..., indices[i], ...] = input[..., i, ...]
    ```

    `indices` (i32 or i64) has rank 1 to `axis + 1` and is shaped like the
    dimensions of `input` that end at `axis`: `[L]` permutes every row alike,
    `[H, L]` per head, `[B, H, L]` per batch and head (the block-sparse
    reordering of PAROAttention permutes per head). Every row of `indices`
    must be a permutation of `0 .. L-1`; this is checked for constant indices.
    The output has the type of `input`.

    ```mlir
    %r = mix.permute %x, %perm {axis = 2 : i64}
        : (tensor<1x8x4096x64xbf16>, tensor<8x4096xi32>) -> tensor<1x8x4096x64xbf16>
    ```
  }];
  let arguments = (ins
    Mix_Tensor:$input,
    Mix_IndexTensor:$indices,
    I64Attr:$axis,
    UnitAttr:$inverse,
    OptionalAttr<Mix_ScheduleAttr>:$schedule
  );
  let results = (outs Mix_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$indices,
                   "int64_t":$axis, CArg<"bool", "false">:$inverse)>,
  ];
}

#endif // MIXC_DIALECT_MIX_MIXOPS_TD
