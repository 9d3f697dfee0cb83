// A small hybrid sequence mixer, the kind of block mixc compiles: grouped-query
// causal attention with a sliding window and attention sinks, a Mamba-2 SSD
// layer, and a Monarch product replacing a dense projection. Shapes are for
// 2 sequences of 512 tokens, model width 1024 (8 heads of 128).
//
//   mixc-opt examples/mixers.mlir                      # parse, verify, print
//   mixc-opt examples/mixers.mlir --mix-decompose      # the CPU reference form

func.func @hybrid_block(
    %q: tensor<2x8x512x128xbf16>, %k: tensor<2x2x512x128xbf16>,
    %v: tensor<2x2x512x128xbf16>,
    %x: tensor<2x512x16x64xbf16>, %dt: tensor<2x512x16xf32>, %A: tensor<16xf32>,
    %B: tensor<2x512x1x128xbf16>, %C: tensor<2x512x1x128xbf16>, %D: tensor<16xf32>,
    %tokens: tensor<1024x1024xbf16>, %r: tensor<32x32x32xbf16>, %l: tensor<32x32x32xbf16>)
    -> (tensor<2x8x512x128xbf16>, tensor<2x512x16x64xbf16>, tensor<1024x1024xbf16>) {
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
