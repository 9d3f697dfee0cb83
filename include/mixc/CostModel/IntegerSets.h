//===- IntegerSets.h - Integer sets of the cost model -----------*- C++ -*-===//
//
// The cost model describes what it reasons about as integer sets of MLIR's
// Presburger library: the legal schedules of a kernel template (one point per
// schedule) and the iteration domains of a kernel (the (query block, key
// block) pairs an attention kernel visits). This header holds what both need
// on top of the library: affine forms over a set's variables with exact
// encodings of floor division, divisibility and finite choice lists (as local
// variables), enumeration of integer points, exact counting, seeded uniform
// sampling, and the library's own counting where it applies.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_COSTMODEL_INTEGERSETS_H
#define MIXC_COSTMODEL_INTEGERSETS_H

#include "mlir/Analysis/Presburger/IntegerRelation.h"
#include "mlir/Analysis/Presburger/PresburgerRelation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mixc::costmodel {

/// An integer point of a set: the values of its dimensions, in order.
using IntegerPoint = llvm::SmallVector<int64_t, 8>;

/// An affine function sum_i coeffs[i] * var_i + constant of the variables of
/// one IntegerRelation (dimensions first, then locals in the order they were
/// added). Coefficients past the end are 0, so forms made before a local was
/// added stay valid.
struct AffineForm {
  llvm::SmallVector<int64_t, 8> coeffs;
  int64_t constant = 0;

  AffineForm() = default;
  /// The constant `value`.
  AffineForm(int64_t value) : constant(value) {} // NOLINT: implicit on purpose
  /// The variable at column `pos`.
  static AffineForm var(unsigned pos);

  AffineForm &operator+=(const AffineForm &other);
  AffineForm &operator-=(const AffineForm &other);
  AffineForm &operator*=(int64_t factor);
  /// The coefficients followed by the constant, padded to `numVars` columns:
  /// a row of IntegerRelation::addInequality / addEquality.
  llvm::SmallVector<int64_t, 8> row(unsigned numVars) const;
  /// The value at `point` (all variables, locals included).
  int64_t evaluate(llvm::ArrayRef<int64_t> point) const;
};

AffineForm operator+(AffineForm lhs, const AffineForm &rhs);
AffineForm operator-(AffineForm lhs, const AffineForm &rhs);
AffineForm operator*(AffineForm lhs, int64_t factor);
AffineForm operator*(int64_t factor, AffineForm rhs);

/// Builds one convex piece (an IntegerPolyhedron) constraint by constraint.
/// Every encoding is exact: the integer points of the result (with the
/// locals projected out existentially) are exactly the points that satisfy
/// the stated conditions.
class SetBuilder {
public:
  explicit SetBuilder(unsigned numDims);

  unsigned getNumDims() const { return numDims; }
  AffineForm dim(unsigned pos) const { return AffineForm::var(pos); }

  void addGE(const AffineForm &lhs, const AffineForm &rhs);
  void addLE(const AffineForm &lhs, const AffineForm &rhs) { addGE(rhs, lhs); }
  void addLT(const AffineForm &lhs, const AffineForm &rhs) {
    addGE(rhs - 1, lhs);
  }
  void addEQ(const AffineForm &lhs, const AffineForm &rhs);
  /// Makes the set empty (a rule that no point can meet).
  void addFalse();

  /// floor(form / divisor) as a new local q with divisor*q <= form <=
  /// divisor*q + divisor - 1 (divisor > 0).
  AffineForm floorDiv(const AffineForm &form, int64_t divisor);
  /// ceil(form / divisor) = floor((form + divisor - 1) / divisor).
  AffineForm ceilDiv(const AffineForm &form, int64_t divisor) {
    return floorDiv(form + (divisor - 1), divisor);
  }
  /// The least multiple of `alignment` that is >= form.
  AffineForm alignUp(const AffineForm &form, int64_t alignment) {
    return ceilDiv(form, alignment) * alignment;
  }
  /// max(lhs, rhs) as a new local m with a binary local z: m >= lhs,
  /// m >= rhs, m <= lhs + spread z, m <= rhs + spread (1 - z). Exact when
  /// |lhs - rhs| <= spread on the set.
  AffineForm max(const AffineForm &lhs, const AffineForm &rhs, int64_t spread);
  /// form = divisor * floor(form / divisor), i.e. divisor divides form.
  void addDivisible(const AffineForm &form, int64_t divisor);
  /// `form` takes one of `values` (any integers, any order, duplicates
  /// allowed). An arithmetic progression a, a+s, ..., a+(n-1)s is a bounded
  /// form congruent to a modulo s (one floor-division local); any other list
  /// is a one-hot choice: binary locals b_j with sum_j b_j = 1 and form =
  /// sum_j values[j] * b_j. Both are exact.
  void addMemberOf(const AffineForm &form, llvm::ArrayRef<int64_t> values);

  const mlir::presburger::IntegerPolyhedron &get() const { return set; }
  mlir::presburger::IntegerPolyhedron take() { return std::move(set); }

private:
  unsigned numDims;
  mlir::presburger::IntegerPolyhedron set;
};

/// Every integer point of `set` (its dimensions; locals are existential), in
/// lexicographic order: the least value of dimension k is found by the
/// library's integer lexmin with dimensions 0..k-1 fixed, then the next one
/// above it, and so on. Fails if a dimension is unbounded or the set has
/// more than `limit` points.
llvm::Expected<std::vector<IntegerPoint>>
enumerateIntegerPoints(const mlir::presburger::IntegerRelation &set,
                       size_t limit = 1 << 20);

/// The same for a union: the points of every disjunct, sorted, each once.
llvm::Expected<std::vector<IntegerPoint>>
enumerateIntegerPoints(const mlir::presburger::PresburgerSet &set,
                       size_t limit = 1 << 20);

/// The number of integer points of `set`, which must have no local
/// variables. Exact: the first dimensions range over their integer bounds
/// (from the simplex), and for each of their values the last dimension's
/// points form one interval that the constraints give directly. Fails if a
/// dimension is unbounded, the set has locals, or the prefix box has more
/// than `limit` points.
llvm::Expected<int64_t>
countIntegerPoints(const mlir::presburger::IntegerRelation &set,
                   int64_t limit = int64_t(1) << 26);

/// The library's own count, by Barvinok's algorithm
/// (presburger::detail::computePolytopeGeneratingFunction), where this
/// library version computes it correctly: a non-empty, bounded,
/// full-dimensional polytope without locals, in two dimensions, whose tangent
/// cones are unimodular. Elsewhere std::nullopt (MLIR 22's implementation
/// crashes on non-unimodular cones and miscounts flat polytopes).
std::optional<int64_t>
countWithBarvinok(const mlir::presburger::IntegerRelation &set);

/// `k` distinct points of `points` drawn uniformly without replacement (all
/// of them when k >= size), in draw order. Deterministic for a seed on every
/// platform (splitmix64, unbiased bounded draws).
std::vector<IntegerPoint> samplePoints(llvm::ArrayRef<IntegerPoint> points,
                                       size_t k, uint64_t seed);

} // namespace mixc::costmodel

#endif // MIXC_COSTMODEL_INTEGERSETS_H
