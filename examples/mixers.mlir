// A small hybrid sequence mixer, the kind of block mixc compiles: grouped-query
// causal attention with a sliding window and attention sinks, a Mamba-2 SSD
// layer, and a Monarch product replacing a dense projection. Shapes are for
// 2 sequences of 512 tokens, model width 1024 (8 heads of 128).
//
//   mixc-opt examples/mixers.mlir                      # parse, verify, print
//   mixc-opt examples/mixers.mlir --mix-decompose      # the CPU reference form
//   mixc-run examples/mixers.mlir --random-inputs 1    # run it on the CPU
//
// The SSD weights A (negative decay rates) and D are constants, as in a
// trained model, so the layer is stable on random activations.

func.func @hybrid_block(
    %q: tensor<2x8x512x128xbf16>, %k: tensor<2x2x512x128xbf16>,
    %v: tensor<2x2x512x128xbf16>,
    %x: tensor<2x512x16x64xbf16>, %dt: tensor<2x512x16xf32>,
    %B: tensor<2x512x1x128xbf16>, %C: tensor<2x512x1x128xbf16>,
    %tokens: tensor<1024x1024xbf16>, %r: tensor<32x32x32xbf16>, %l: tensor<32x32x32xbf16>)
    -> (tensor<2x8x512x128xbf16>, tensor<2x512x16x64xbf16>, tensor<1024x1024xbf16>) {
  %A = arith.constant dense<[-0.25, -0.5, -0.75, -1.0, -1.25, -1.5, -1.75, -2.0,
                             -2.25, -2.5, -2.75, -3.0, -3.25, -3.5, -3.75, -4.0]> : tensor<16xf32>
  %D = arith.constant dense<1.0> : tensor<16xf32>
  // Each query sees the 4 sink tokens and the 256 tokens before it.
  %attn = mix.attention %q, %k, %v {causal, window_left = 256 : i64, sink_tokens = 4 : i64,
                                    schedule = #mix.schedule<attention.wgmma, {block_m = 128, block_n = 128}>}
      : (tensor<2x8x512x128xbf16>, tensor<2x2x512x128xbf16>, tensor<2x2x512x128xbf16>)
      -> tensor<2x8x512x128xbf16>
  %ssd = mix.ssd %x, %dt, %A, %B, %C skip(%D) {dt_softplus,
                                               schedule = #mix.schedule<ssd.chunked, {chunk_size = 64}>}
      : (tensor<2x512x16x64xbf16>, tensor<2x512x16xf32>, tensor<16xf32>,
         tensor<2x512x1x128xbf16>, tensor<2x512x1x128xbf16>, tensor<16xf32>)
      -> tensor<2x512x16x64xbf16>
  %proj = mix.monarch %tokens, %r, %l
      : (tensor<1024x1024xbf16>, tensor<32x32x32xbf16>, tensor<32x32x32xbf16>)
      -> tensor<1024x1024xbf16>
  return %attn, %ssd, %proj : tensor<2x8x512x128xbf16>, tensor<2x512x16x64xbf16>, tensor<1024x1024xbf16>
}
