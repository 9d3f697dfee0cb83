//===- Reference.h - Double-precision reference of the mix ops -*- C++ -*-===//
//
// An independent oracle for the six ops of the mix dialect: plain loops in
// double precision that follow the op descriptions in MixOps.td literally,
// with no MLIR or LLVM dependency and no code shared with the compiler. The
// tests of the linalg decomposition and mixc-bench's checks of the GPU kernels
// compare against these functions. Every function checks the shapes it is given
// and aborts with a message on a violation, whether or not NDEBUG is set; speed
// is secondary to being obviously the written formula.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_REFERENCE_REFERENCE_H
#define MIXC_REFERENCE_REFERENCE_H

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

namespace mixc::reference {

/// Row-major dense tensor in double precision. A rank-0 tensor (empty shape)
/// holds one element.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  Tensor() = default;
  /// Sizes `data` to the product of `shape`, every element `fill`.
  explicit Tensor(std::vector<int64_t> shape, double fill = 0.0);

  int64_t numElements() const;
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// Element access by a full multi-index; bounds are always checked.
  double &at(std::initializer_list<int64_t> index);
  double at(std::initializer_list<int64_t> index) const;
};

//===----------------------------------------------------------------------===//
// mix.attention
//===----------------------------------------------------------------------===//

struct AttentionOptions {
  /// Softmax scale; defaults to 1 / sqrt(D).
  std::optional<double> scale;
  /// Keep j <= i (top-left aligned).
  bool causal = false;
  /// Keep j >= i - windowLeft / j <= i + windowRight when set.
  std::optional<int64_t> windowLeft, windowRight;
  /// Keys j < sinkTokens pass the window conditions whatever the window.
  int64_t sinkTokens = 0;
  /// Additive bias [B|1, Hq|1, Lq, Lk]; -inf entries drop the key.
  const Tensor *bias = nullptr;
  /// [B|1, Hq|1, ceil(Lq/blockQ), ceil(Lk/blockK)]; a nonzero entry keeps
  /// the block.
  const Tensor *blockMask = nullptr;
  int64_t blockQ = 0, blockK = 0;
  /// Row i of the given query has absolute position i + queryOffset for the
  /// causal, window, sink and block-mask rules, so a slice of query rows can
  /// be checked against full-length keys. `bias` and the results stay indexed
  /// by the given rows; the block mask by absolute position, so it needs at
  /// least ceil((Lq + queryOffset) / blockQ) rows (exactly that many when
  /// queryOffset is 0).
  int64_t queryOffset = 0;
};

/// query [B,Hq,Lq,D], key [B,Hkv,Lk,D], value [B,Hkv,Lk,Dv]. Returns the
/// output [B,Hq,Lq,Dv]; fills *lse ([B,Hq,Lq], natural log-sum-exp of the
/// allowed scores, -inf for a row without allowed key) when non-null.
Tensor attention(const Tensor &query, const Tensor &key, const Tensor &value,
                 const AttentionOptions &options, Tensor *lse = nullptr);

//===----------------------------------------------------------------------===//
// mix.linear_attention
//===----------------------------------------------------------------------===//

enum class FeatureMap { Identity, EluPlusOne, Relu };

struct LinearAttentionOptions {
  FeatureMap featureMap = FeatureMap::Identity;
  bool causal = false;
  bool normalize = false;
  /// Per-head decay [H] or per-token decay [B,H,L] (the latter needs causal).
  const Tensor *decay = nullptr;
};

/// q, k [B,H,L,Dk], v [B,H,L,Dv]; returns [B,H,L,Dv].
Tensor linearAttention(const Tensor &q, const Tensor &k, const Tensor &v,
                       const LinearAttentionOptions &options);

//===----------------------------------------------------------------------===//
// mix.selective_scan
//===----------------------------------------------------------------------===//

enum class Direction { Forward, Reverse, Bidirectional };

struct SelectiveScanOptions {
  /// D [D] skip, z [B,D,L] gate, deltaBias [D].
  const Tensor *D = nullptr, *z = nullptr, *deltaBias = nullptr;
  bool deltaSoftplus = false;
  Direction direction = Direction::Forward;
};

/// x, delta [B,D,L]; A [D,N]; B, C [B,G,N,L]. Returns y [B,D,L].
Tensor selectiveScan(const Tensor &x, const Tensor &delta, const Tensor &A,
                     const Tensor &B, const Tensor &C,
                     const SelectiveScanOptions &options);

//===----------------------------------------------------------------------===//
// mix.ssd
//===----------------------------------------------------------------------===//

struct SSDOptions {
  /// D [H] skip, dtBias [H].
  const Tensor *D = nullptr, *dtBias = nullptr;
  bool dtSoftplus = false;
  bool bidirectional = false;
};

/// x [B,L,H,P], dt [B,L,H], A [H], B, C [B,L,G,N]. Returns y [B,L,H,P],
/// computed as the explicit quadratic sum over source positions s.
Tensor ssd(const Tensor &x, const Tensor &dt, const Tensor &A, const Tensor &B,
           const Tensor &C, const SSDOptions &options);

/// The forward mix.ssd as its state recurrence, S_t = exp(dt_t A) S_{t-1} +
/// dt_t B_t x_t^T, y_t = C_t S_t + D x_t: O(L N P) per head instead of the
/// matrix form's O(L^2 (N + P)), for checking long sequences. Same arguments
/// as ssd(); options.bidirectional must be false.
Tensor ssdRecurrent(const Tensor &x, const Tensor &dt, const Tensor &A,
                    const Tensor &B, const Tensor &C,
                    const SSDOptions &options);

//===----------------------------------------------------------------------===//
// mix.monarch
//===----------------------------------------------------------------------===//

/// x [..., n], firstFactor [k,q,p] with n = k*p, secondFactor [l,s,r] with
/// l*r = k*q. Returns [..., l*s].
Tensor monarch(const Tensor &x, const Tensor &firstFactor,
               const Tensor &secondFactor);

//===----------------------------------------------------------------------===//
// mix.permute
//===----------------------------------------------------------------------===//

/// `indices` (row-major, shaped `indexShape`) has rank 1..axis+1 and matches
/// the input dims that end at `axis`; every row must be a permutation of
/// 0..L-1. Gathers (or, with `inverse`, scatters) `input` along `axis`.
Tensor permute(const Tensor &input, const std::vector<int64_t> &indexShape,
               const std::vector<int64_t> &indices, int64_t axis, bool inverse);

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

/// ||actual - expected|| / max(||expected||, tiny). Elements that compare
/// equal (matching infinities included) contribute no error; any other
/// non-finite pair makes the result inf or NaN. ||expected|| sums only the
/// finite expected entries, so -inf lse rows do not hide other errors.
double relativeL2Error(const std::vector<double> &actual,
                       const std::vector<double> &expected);
/// max |actual - expected| with the same treatment of equal and non-finite
/// elements; NaN anywhere in a mismatch gives NaN.
double maxAbsError(const std::vector<double> &actual,
                   const std::vector<double> &expected);

} // namespace mixc::reference

#endif // MIXC_REFERENCE_REFERENCE_H
