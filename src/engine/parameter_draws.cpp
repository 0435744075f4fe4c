#include "engine/parameter_draws.hpp"

#include <cmath>

#include "model/random.hpp"

namespace apmsim::engine {

std::vector<double> parameter_normals(std::uint64_t seed, std::uint64_t draw, int groups) {
  const model::Key key =
      model::key_from_seed(model::mix64(seed + 0x706172616d73ULL /* "params" */));
  std::vector<double> z;
  for (std::uint32_t pair = 0; z.size() < static_cast<std::size_t>(groups); ++pair) {
    const model::Philox4<model::ScalarLanes> bits = model::philox4x32_10<model::ScalarLanes>(
        {pair, static_cast<std::uint32_t>(draw), static_cast<std::uint32_t>(draw >> 32), 0u},
        key.k0, key.k1);
    const double u1 = model::uniform_double(bits.x, bits.y);
    const double u2 = model::uniform_double(bits.z, bits.w);
    const double radius = std::sqrt(-2.0 * std::log(u1));
    z.push_back(radius * std::cos(2.0 * M_PI * u2));
    z.push_back(radius * std::sin(2.0 * M_PI * u2));
  }
  z.resize(static_cast<std::size_t>(groups));
  return z;
}

DrawnModels::DrawnModels(const scenario::Scenario& population, std::uint64_t seed)
    : draws_(population), seed_(seed), block_(population.simulation.parameter_block) {}

const Model& DrawnModels::model(std::uint64_t draw) {
  if (!model_ || draw != current_) {
    model_.reset();  // the old model goes first: one drawn model alive at a time
    model_ = std::make_unique<Model>(
        build_model(draws_.at(parameter_normals(seed_, draw, draws_.groups())), seed_));
    current_ = draw;
  }
  return *model_;
}

}  // namespace apmsim::engine
