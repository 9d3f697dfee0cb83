// The shapes of the recorded H100 tuning run (bench/tune/README.md): one
// attention, one SSD and one Monarch op, none of them in the training data.
func.func @attn(%q: tensor<1x2x16384x128xbf16>, %k: tensor<1x2x16384x128xbf16>, %v: tensor<1x2x16384x128xbf16>) -> (tensor<1x2x16384x128xbf16>) {
  %o = mix.attention %q, %k, %v {causal} : (tensor<1x2x16384x128xbf16>, tensor<1x2x16384x128xbf16>, tensor<1x2x16384x128xbf16>) -> tensor<1x2x16384x128xbf16>
  return %o : tensor<1x2x16384x128xbf16>
}
func.func @ssd(%x: tensor<1x16384x4x64xbf16>, %dt: tensor<1x16384x4xf32>, %a: tensor<4xf32>, %b: tensor<1x16384x1x128xbf16>, %c: tensor<1x16384x1x128xbf16>, %d: tensor<4xf32>) -> tensor<1x16384x4x64xbf16> {
  %y = mix.ssd %x, %dt, %a, %b, %c skip(%d) : (tensor<1x16384x4x64xbf16>, tensor<1x16384x4xf32>, tensor<4xf32>, tensor<1x16384x1x128xbf16>, tensor<1x16384x1x128xbf16>, tensor<4xf32>) -> tensor<1x16384x4x64xbf16>
  return %y : tensor<1x16384x4x64xbf16>
}
func.func @monarch(%x: tensor<2048x2048xbf16>, %f1: tensor<32x64x64xbf16>, %f2: tensor<64x32x32xbf16>) -> tensor<2048x2048xbf16> {
  %y = mix.monarch %x, %f1, %f2 : (tensor<2048x2048xbf16>, tensor<32x64x64xbf16>, tensor<64x32x32xbf16>) -> tensor<2048x2048xbf16>
  return %y : tensor<2048x2048xbf16>
}
