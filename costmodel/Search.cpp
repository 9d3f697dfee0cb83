//===- Search.cpp - Model-guided evolutionary search of a space -----------===//

#include "mixc/CostModel/Search.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <map>
#include <numeric>

using namespace mixc;
using namespace mixc::costmodel;

namespace {

/// Uniform integer in [0, n).
size_t below(std::mt19937_64 &random, size_t n) { return random() % n; }

bool coin(std::mt19937_64 &random, double p) {
  return double(random() >> 11) * 0x1.0p-53 < p;
}

/// `parent` with some parameters changed: each with probability 1/n (at
/// least one), to a neighbouring choice mostly, to any choice sometimes.
IntegerPoint mutate(const mix::ScheduleTemplateDecl &decl,
                    const IntegerPoint &parent, std::mt19937_64 &random) {
  IntegerPoint child = parent;
  size_t n = decl.params.size();
  size_t forced = below(random, n);
  for (size_t i = 0; i < n; ++i) {
    if (i != forced && !coin(random, 1.0 / double(n)))
      continue;
    const std::vector<int64_t> &choices = decl.params[i].choices;
    if (choices.size() < 2)
      continue;
    auto at = llvm::find(choices, child[i]);
    size_t index = at == choices.end() ? 0 : size_t(at - choices.begin());
    if (coin(random, 0.75)) {
      bool up = index == 0 || (index + 1 < choices.size() && coin(random, 0.5));
      index = up ? index + 1 : index - 1;
    } else {
      index = below(random, choices.size());
    }
    child[i] = choices[index];
  }
  return child;
}

/// Each parameter from either parent.
IntegerPoint crossover(const IntegerPoint &a, const IntegerPoint &b,
                       std::mt19937_64 &random) {
  IntegerPoint child = a;
  for (size_t i = 0; i < child.size(); ++i)
    if (coin(random, 0.5))
      child[i] = b[i];
  return child;
}

} // namespace

std::vector<Proposal> mixc::costmodel::proposeSchedules(
    const ScheduleSpace &space, PointScorer score,
    const std::set<IntegerPoint> &measured, llvm::ArrayRef<IntegerPoint> best,
    size_t count, const SearchOptions &options, std::mt19937_64 &random) {
  const mix::ScheduleTemplateDecl &decl = space.getTemplate();
  std::map<IntegerPoint, double> scored; // every legal point seen
  auto evaluate = [&](std::vector<IntegerPoint> points) {
    llvm::erase_if(points, [&](const IntegerPoint &p) {
      return scored.count(p) || !space.contains(p);
    });
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    if (points.empty())
      return;
    std::vector<double> values = score(points);
    for (auto [point, value] : llvm::zip(points, values))
      scored.emplace(point, value);
  };

  // Generation 0: the best measured and uniform samples.
  std::vector<IntegerPoint> seeds(
      best.begin(),
      best.begin() + std::min<size_t>(best.size(), options.population / 2));
  for (IntegerPoint &p : space.sample(options.population, random()))
    seeds.push_back(std::move(p));
  evaluate(seeds);
  std::vector<IntegerPoint> population = seeds;
  llvm::erase_if(population,
                 [&](const IntegerPoint &p) { return !scored.count(p); });

  for (unsigned generation = 0;
       generation < options.generations && !population.empty(); ++generation) {
    auto tournament = [&]() -> const IntegerPoint & {
      const IntegerPoint &a = population[below(random, population.size())];
      const IntegerPoint &b = population[below(random, population.size())];
      return scored[a] >= scored[b] ? a : b;
    };
    std::vector<IntegerPoint> children;
    for (unsigned i = 0; i < options.population; ++i) {
      IntegerPoint child = mutate(decl, tournament(), random);
      if (coin(random, 0.3))
        child = crossover(child, tournament(), random);
      children.push_back(std::move(child));
    }
    evaluate(children);
    // The next population: the fittest distinct legal points seen so far
    // (elitism keeps the best; the children that survived join them).
    for (IntegerPoint &child : children)
      if (scored.count(child))
        population.push_back(std::move(child));
    std::sort(population.begin(), population.end());
    population.erase(std::unique(population.begin(), population.end()),
                     population.end());
    std::stable_sort(population.begin(), population.end(),
                     [&](const IntegerPoint &a, const IntegerPoint &b) {
                       return scored[a] > scored[b];
                     });
    if (population.size() > options.population)
      population.resize(options.population);
  }

  // Proposals: the fittest unmeasured points, each slot exploring with
  // probability epsilon.
  std::vector<std::pair<IntegerPoint, double>> ranked;
  for (const auto &[point, value] : scored)
    if (!measured.count(point))
      ranked.emplace_back(point, value);
  std::stable_sort(
      ranked.begin(), ranked.end(),
      [](const auto &a, const auto &b) { return a.second > b.second; });
  std::vector<Proposal> proposals;
  std::set<IntegerPoint> taken;
  size_t next = 0;
  while (proposals.size() < count) {
    if (coin(random, options.epsilon)) {
      // A uniform unmeasured point (a few draws; the space may be nearly
      // exhausted, then the model's next pick stands in).
      bool found = false;
      for (IntegerPoint &p : space.sample(8, random())) {
        if (measured.count(p) || taken.count(p))
          continue;
        double value = scored.count(p) ? scored[p] : score({p}).front();
        taken.insert(p);
        proposals.push_back({std::move(p), value, true});
        found = true;
        break;
      }
      if (found)
        continue;
    }
    while (next < ranked.size() && taken.count(ranked[next].first))
      ++next;
    if (next == ranked.size())
      break;
    taken.insert(ranked[next].first);
    proposals.push_back({ranked[next].first, ranked[next].second, false});
  }
  if (proposals.size() == count)
    return proposals;

  // The search saw fewer unmeasured points than asked for: rank every
  // unmeasured point of the space (the space is enumerated anyway), so that
  // a short proposal list means the space is exhausted, not the search.
  std::vector<IntegerPoint> rest;
  for (const IntegerPoint &point : space.getPoints())
    if (!measured.count(point) && !taken.count(point))
      rest.push_back(point);
  if (rest.empty())
    return proposals;
  std::vector<double> values = score(rest);
  std::vector<size_t> order(rest.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] > values[b]; });
  for (size_t i = 0; i < order.size() && proposals.size() < count; ++i)
    proposals.push_back({rest[order[i]], values[order[i]], false});
  return proposals;
}
