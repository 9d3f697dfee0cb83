// A deliberately wrong model: 3 key/value heads cannot serve 8 query heads.
// `mixc-opt examples/gqa-mismatch.mlir` reports it at the op and exits 1.
func.func @bad_grouping(%q: tensor<1x8x64x64xf16>, %k: tensor<1x3x64x64xf16>,
                        %v: tensor<1x3x64x64xf16>) -> tensor<1x8x64x64xf16> {
  %o = mix.attention %q, %k, %v
      : (tensor<1x8x64x64xf16>, tensor<1x3x64x64xf16>, tensor<1x3x64x64xf16>)
      -> tensor<1x8x64x64xf16>
  return %o : tensor<1x8x64x64xf16>
}
