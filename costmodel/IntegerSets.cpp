//===- IntegerSets.cpp - Integer sets for schedule spaces and domains -----===//
//
// Affine forms with exact local-variable encodings, enumeration, counting and
// sampling of integer points over MLIR's Presburger library (see
// IntegerSets.h). Nothing here knows about mix ops or kernel templates.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/IntegerSets.h"

#include "mlir/Analysis/Presburger/Barvinok.h"
#include "mlir/Analysis/Presburger/Simplex.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <numeric>

using namespace mixc::costmodel;
using namespace mlir::presburger;

//===----------------------------------------------------------------------===//
// AffineForm
//===----------------------------------------------------------------------===//

AffineForm AffineForm::var(unsigned pos) {
  AffineForm form;
  form.coeffs.assign(pos + 1, 0);
  form.coeffs[pos] = 1;
  return form;
}

AffineForm &AffineForm::operator+=(const AffineForm &other) {
  if (coeffs.size() < other.coeffs.size())
    coeffs.resize(other.coeffs.size(), 0);
  for (auto [i, c] : llvm::enumerate(other.coeffs))
    coeffs[i] += c;
  constant += other.constant;
  return *this;
}

AffineForm &AffineForm::operator-=(const AffineForm &other) {
  return *this += other * -1;
}

AffineForm &AffineForm::operator*=(int64_t factor) {
  for (int64_t &c : coeffs)
    c *= factor;
  constant *= factor;
  return *this;
}

llvm::SmallVector<int64_t, 8> AffineForm::row(unsigned numVars) const {
  llvm::SmallVector<int64_t, 8> result(coeffs.begin(), coeffs.end());
  result.resize(numVars, 0);
  result.push_back(constant);
  return result;
}

int64_t AffineForm::evaluate(llvm::ArrayRef<int64_t> point) const {
  int64_t value = constant;
  for (auto [i, c] : llvm::enumerate(coeffs))
    if (c != 0)
      value += c * point[i];
  return value;
}

AffineForm mixc::costmodel::operator+(AffineForm lhs, const AffineForm &rhs) {
  return lhs += rhs;
}
AffineForm mixc::costmodel::operator-(AffineForm lhs, const AffineForm &rhs) {
  return lhs -= rhs;
}
AffineForm mixc::costmodel::operator*(AffineForm lhs, int64_t factor) {
  return lhs *= factor;
}
AffineForm mixc::costmodel::operator*(int64_t factor, AffineForm rhs) {
  return rhs *= factor;
}

//===----------------------------------------------------------------------===//
// SetBuilder
//===----------------------------------------------------------------------===//

SetBuilder::SetBuilder(unsigned numDims)
    : numDims(numDims), set(PresburgerSpace::getSetSpace(numDims)) {}

void SetBuilder::addGE(const AffineForm &lhs, const AffineForm &rhs) {
  set.addInequality((lhs - rhs).row(set.getNumVars()));
}

void SetBuilder::addEQ(const AffineForm &lhs, const AffineForm &rhs) {
  set.addEquality((lhs - rhs).row(set.getNumVars()));
}

void SetBuilder::addFalse() { addGE(AffineForm(-1), AffineForm(0)); }

AffineForm SetBuilder::floorDiv(const AffineForm &form, int64_t divisor) {
  if (llvm::all_of(form.coeffs, [](int64_t c) { return c == 0; })) {
    int64_t value = form.constant;
    return AffineForm(value / divisor - (value % divisor != 0 && value < 0));
  }
  // divisor * q <= form <= divisor * q + divisor - 1: the library adds both.
  unsigned pos = set.addLocalFloorDiv(form.row(set.getNumVars()), divisor);
  return AffineForm::var(pos);
}

AffineForm SetBuilder::max(const AffineForm &lhs, const AffineForm &rhs,
                           int64_t spread) {
  AffineForm result = AffineForm::var(set.appendVar(VarKind::Local));
  AffineForm pick = AffineForm::var(set.appendVar(VarKind::Local));
  addGE(pick, 0);
  addLE(pick, 1);
  addGE(result, lhs);
  addGE(result, rhs);
  addLE(result, lhs + pick * spread);
  addLE(result, rhs + (1 - pick) * spread);
  return result;
}

void SetBuilder::addDivisible(const AffineForm &form, int64_t divisor) {
  if (divisor == 1)
    return;
  addEQ(form, floorDiv(form, divisor) * divisor);
}

void SetBuilder::addMemberOf(const AffineForm &form,
                             llvm::ArrayRef<int64_t> values) {
  llvm::SmallVector<int64_t, 8> sorted(values.begin(), values.end());
  llvm::sort(sorted);
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (sorted.empty())
    return addFalse();
  int64_t first = sorted.front(), last = sorted.back();
  bool progression =
      sorted.size() <= 2 ||
      llvm::all_of(llvm::seq<size_t>(2, sorted.size()), [&](size_t i) {
        return sorted[i] - sorted[i - 1] == sorted[1] - sorted[0];
      });
  if (progression) {
    addGE(form, first);
    addLE(form, last);
    if (sorted.size() >= 2)
      addDivisible(form - first, sorted[1] - sorted[0]);
    return;
  }
  // One-hot: b_j in {0, 1}, exactly one set, form = sum_j values[j] * b_j.
  AffineForm sum, value;
  for (int64_t choice : sorted) {
    unsigned pos = set.appendVar(VarKind::Local);
    AffineForm bit = AffineForm::var(pos);
    addGE(bit, 0);
    addLE(bit, 1);
    sum += bit;
    value += bit * choice;
  }
  addEQ(sum, 1);
  addEQ(form, value);
}

//===----------------------------------------------------------------------===//
// Enumeration
//===----------------------------------------------------------------------===//

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Unit row selecting variable `pos` of a relation with `numVars` variables.
llvm::SmallVector<DynamicAPInt, 8> unitRow(unsigned numVars, unsigned pos) {
  llvm::SmallVector<DynamicAPInt, 8> row(numVars + 1, DynamicAPInt(0));
  row[pos] = DynamicAPInt(1);
  return row;
}

/// The integer bounds of every dimension of `set` (from the simplex of its
/// rational relaxation, rounded inwards), or an error naming an unbounded
/// dimension; std::nullopt when the set has no integer point in the box.
llvm::Expected<std::optional<std::vector<std::pair<int64_t, int64_t>>>>
dimensionBounds(const IntegerRelation &set) {
  Simplex simplex(set);
  std::vector<std::pair<int64_t, int64_t>> bounds;
  if (simplex.isEmpty())
    return std::nullopt;
  for (unsigned pos = 0; pos < set.getNumDimVars(); ++pos) {
    auto [min, max] =
        simplex.computeIntegerBounds(unitRow(set.getNumVars(), pos));
    if (min.isEmpty() || max.isEmpty())
      return std::nullopt;
    if (!min.isBounded() || !max.isBounded())
      return makeError("dimension " + llvm::Twine(pos) + " is unbounded");
    bounds.emplace_back(int64_t(*min), int64_t(*max));
  }
  return bounds;
}

/// Appends the points of `set` (dimensions 0..depth-1 fixed to `prefix`)
/// to `out`, in lexicographic order.
llvm::Error enumerateFrom(IntegerRelation set, unsigned depth,
                          IntegerPoint &prefix, std::vector<IntegerPoint> &out,
                          size_t limit) {
  unsigned numDims = set.getNumDimVars();
  while (true) {
    MaybeOptimum<llvm::SmallVector<DynamicAPInt, 8>> lexMin =
        set.findIntegerLexMin();
    if (lexMin.isEmpty())
      return llvm::Error::success();
    if (!lexMin.isBounded())
      return makeError("dimension " + llvm::Twine(depth) +
                       " is unbounded below");
    int64_t value = int64_t((*lexMin)[depth]);
    prefix.push_back(value);
    if (depth + 1 == numDims) {
      out.push_back(prefix);
      if (out.size() > limit)
        return makeError("more than " + llvm::Twine(limit) + " points");
    } else {
      IntegerRelation fixed(set);
      fixed.addBound(BoundType::EQ, depth, value);
      if (llvm::Error error =
              enumerateFrom(std::move(fixed), depth + 1, prefix, out, limit))
        return error;
    }
    prefix.pop_back();
    set.addBound(BoundType::LB, depth, value + 1);
  }
}

} // namespace

llvm::Expected<std::vector<IntegerPoint>>
mixc::costmodel::enumerateIntegerPoints(const IntegerRelation &set,
                                        size_t limit) {
  std::vector<IntegerPoint> points;
  if (set.getNumSymbolVars() != 0)
    return makeError("sets with symbols cannot be enumerated");
  auto bounds = dimensionBounds(set);
  if (!bounds)
    return bounds.takeError();
  if (!*bounds)
    return points;
  if (set.getNumDimVars() == 0) {
    if (!set.isIntegerEmpty())
      points.emplace_back();
    return points;
  }
  IntegerPoint prefix;
  if (llvm::Error error = enumerateFrom(set, 0, prefix, points, limit))
    return error;
  return points;
}

llvm::Expected<std::vector<IntegerPoint>>
mixc::costmodel::enumerateIntegerPoints(const PresburgerSet &set,
                                        size_t limit) {
  std::vector<IntegerPoint> points;
  for (const IntegerRelation &disjunct : set.getAllDisjuncts()) {
    auto part = enumerateIntegerPoints(disjunct, limit);
    if (!part)
      return part.takeError();
    llvm::append_range(points, *part);
  }
  llvm::sort(points);
  points.erase(std::unique(points.begin(), points.end()), points.end());
  if (points.size() > limit)
    return makeError("more than " + llvm::Twine(limit) + " points");
  return points;
}

//===----------------------------------------------------------------------===//
// Counting
//===----------------------------------------------------------------------===//

llvm::Expected<int64_t>
mixc::costmodel::countIntegerPoints(const IntegerRelation &set, int64_t limit) {
  if (set.getNumLocalVars() != 0 || set.getNumSymbolVars() != 0)
    return makeError("exact counting needs a set without locals or symbols");
  unsigned numDims = set.getNumDimVars();
  if (numDims == 0)
    return set.isIntegerEmpty() ? 0 : 1;
  auto bounds = dimensionBounds(set);
  if (!bounds)
    return bounds.takeError();
  if (!*bounds)
    return 0;
  std::vector<std::pair<int64_t, int64_t>> &box = **bounds;
  int64_t prefixPoints = 1;
  for (unsigned pos = 0; pos + 1 < numDims; ++pos) {
    prefixPoints *= box[pos].second - box[pos].first + 1;
    if (prefixPoints > limit)
      return makeError("more than " + llvm::Twine(limit) +
                       " prefixes to count over");
  }

  // Each row: coefficients of every dimension, then the constant.
  std::vector<llvm::SmallVector<int64_t, 8>> inequalities, equalities;
  for (unsigned i = 0; i < set.getNumInequalities(); ++i)
    inequalities.push_back(set.getInequality64(i));
  for (unsigned i = 0; i < set.getNumEqualities(); ++i)
    equalities.push_back(set.getEquality64(i));
  auto floorDiv = [](int64_t a, int64_t b) { // b > 0
    return a / b - (a % b != 0 && a < 0);
  };
  auto ceilDiv = [&](int64_t a, int64_t b) { return -floorDiv(-a, b); };

  // For the prefix `prefix` of the first numDims-1 dimensions: the number of
  // values of the last one that satisfy every constraint (an interval).
  unsigned last = numDims - 1;
  IntegerPoint prefix(last);
  auto fiberSize = [&]() -> int64_t {
    int64_t low = box[last].first, high = box[last].second;
    auto rest = [&](const llvm::SmallVector<int64_t, 8> &row) {
      int64_t value = row[numDims];
      for (unsigned pos = 0; pos < last; ++pos)
        value += row[pos] * prefix[pos];
      return value;
    };
    // a * x + r >= 0.
    for (const auto &row : inequalities) {
      int64_t a = row[last], r = rest(row);
      if (a == 0 && r < 0)
        return 0;
      if (a > 0)
        low = std::max(low, ceilDiv(-r, a));
      if (a < 0)
        high = std::min(high, floorDiv(r, -a));
    }
    // a * x + r == 0.
    for (const auto &row : equalities) {
      int64_t a = row[last], r = rest(row);
      if (a == 0) {
        if (r != 0)
          return 0;
        continue;
      }
      if (a < 0) {
        a = -a;
        r = -r;
      }
      if (r % a != 0)
        return 0;
      low = std::max(low, -r / a);
      high = std::min(high, -r / a);
    }
    return std::max<int64_t>(0, high - low + 1);
  };

  // Odometer over the prefix box, last prefix dimension fastest.
  for (unsigned pos = 0; pos < last; ++pos)
    prefix[pos] = box[pos].first;
  int64_t count = 0;
  while (true) {
    count += fiberSize();
    bool done = true;
    for (unsigned pos = last; pos-- > 0;) {
      if (prefix[pos] < box[pos].second) {
        ++prefix[pos];
        done = false;
        break;
      }
      prefix[pos] = box[pos].first;
    }
    if (done)
      return count;
  }
}

std::optional<int64_t>
mixc::costmodel::countWithBarvinok(const IntegerRelation &set) {
  if (set.getNumLocalVars() != 0 || set.getNumSymbolVars() != 0 ||
      set.getNumDimVars() != 2)
    return std::nullopt;
  IntegerPolyhedron poly{IntegerRelation(set)};
  poly.removeRedundantConstraints();
  if (poly.getNumEqualities() != 0 || poly.isIntegerEmpty() ||
      !poly.isFullDim() || Simplex(poly).isUnbounded())
    return std::nullopt;
  // Unimodular tangent cones: every two constraint normals (reduced by
  // their gcd) that are not parallel span a cell of area 1.
  std::vector<std::pair<int64_t, int64_t>> normals;
  for (unsigned i = 0; i < poly.getNumInequalities(); ++i) {
    int64_t a = poly.atIneq64(i, 0), b = poly.atIneq64(i, 1);
    int64_t g = std::gcd(a, b);
    if (g == 0)
      continue;
    normals.emplace_back(a / g, b / g);
  }
  for (size_t i = 0; i < normals.size(); ++i)
    for (size_t j = i + 1; j < normals.size(); ++j) {
      int64_t det = normals[i].first * normals[j].second -
                    normals[i].second * normals[j].first;
      if (det != 0 && det != 1 && det != -1)
        return std::nullopt;
    }

  for (const auto &[chamber, function] :
       detail::computePolytopeGeneratingFunction(poly)) {
    if (function.getNumerators().empty() ||
        !chamber.containsPoint(llvm::ArrayRef<int64_t>{}))
      continue;
    Fraction count = detail::computeNumTerms(function).getConstantTerm();
    if (count.den != 1)
      return std::nullopt;
    return int64_t(count.num);
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Sampling
//===----------------------------------------------------------------------===//

namespace {

/// splitmix64: small, fast, and the same sequence everywhere.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound): rejects the 2^64 mod bound lowest draws.
  uint64_t below(uint64_t bound) {
    uint64_t threshold = (0 - bound) % bound;
    uint64_t draw;
    do
      draw = next();
    while (draw < threshold);
    return draw % bound;
  }

private:
  uint64_t state;
};

} // namespace

std::vector<IntegerPoint>
mixc::costmodel::samplePoints(llvm::ArrayRef<IntegerPoint> points, size_t k,
                              uint64_t seed) {
  // Partial Fisher-Yates over indices: every k-subset (and order) is equally
  // likely.
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  SplitMix64 rng(seed);
  size_t count = std::min(k, points.size());
  std::vector<IntegerPoint> result;
  for (size_t i = 0; i < count; ++i) {
    size_t j = i + rng.below(points.size() - i);
    std::swap(order[i], order[j]);
    result.push_back(points[order[i]]);
  }
  return result;
}
