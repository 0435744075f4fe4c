#pragma once
//! Entity-level draws of one replication: regional shocks, provider random effects, episode
//! volumes (DESIGN 3.2, 3.4). Scalar code; each comes from its own Philox stream.

#include <cmath>
#include <cstdint>

#include "model/params.hpp"
#include "model/random.hpp"

namespace apmsim::model {

//! Sequential double uniforms from one (stream, replication, entity, unit) counter family.
class ScalarCursor {
 public:
  APMSIM_HD ScalarCursor(Key key, Stream stream, std::uint32_t replication, std::uint32_t entity,
                         std::uint32_t unit)
      : key_(key), stream_(stream), replication_(replication), entity_(entity), unit_(unit) {}
  //! Next uniform on (0, 1) with 53 bits.
  APMSIM_HD double next() {
    if (word_ == 4) {
      block_words_ =
          draw_block<ScalarLanes>(key_, stream_, replication_, entity_, unit_, 0, block_++);
      word_ = 0;
    }
    const std::uint32_t hi = word_ == 0 ? block_words_.x : block_words_.z;
    const std::uint32_t lo = word_ == 0 ? block_words_.y : block_words_.w;
    word_ += 2;
    return uniform_double(hi, lo);
  }
  //! Standard normal (Box-Muller in double, one of the pair).
  APMSIM_HD double normal() {
    const double u1 = next();
    const double u2 = next();
    return ::sqrt(-2.0 * ::log(u1)) * ::cos(6.283185307179586 * u2);
  }

 private:
  Key key_;
  Stream stream_;
  std::uint32_t replication_, entity_, unit_;
  std::uint32_t block_ = 0;
  int word_ = 4;
  Philox4<ScalarLanes> block_words_{};
};

//! An AR(1) path from one (stream, replication, entity) counter family: v_0 = s0 Z_0,
//! v_k = rho v_(k-1) + s Z_k.
APMSIM_HD void ar1_path(Key key, Stream stream, std::uint32_t replication, std::uint32_t entity,
                        double initial_sd, double shock_sd, double rho, int years, double* v) {
  ScalarCursor cursor(key, stream, replication, entity, 0);
  for (int k = 0; k < years; ++k) {
    const double z = cursor.normal();
    v[k] = k == 0 ? initial_sd * z : rho * v[k - 1] + shock_sd * z;
  }
}

//! v(r, k), k = 0..years-1: v(r,0) ~ N(0, s0^2), v(r,k) = rho v(r,k-1) + N(0, sigma_v^2).
APMSIM_HD void region_shocks(Key key, std::uint32_t replication, std::uint32_t region,
                             double initial_sd, double shock_sd, double rho, int years, double* v) {
  ar1_path(key, kStreamRegionShock, replication, region, initial_sd, shock_sd, rho, years, v);
}

//! A provider's practice drift x(p, k) (docs/model.md, "Practices"): the mean of its
//! n = panel_size / practice_size practices' stationary AR(1) log-cost levels (sd practice_sd,
//! correlation practice_rho), drawn as one stationary AR(1) with the mean's variance
//! practice_sd^2 / n. Its own stream: no other draw moves when it is switched on.
APMSIM_HD void practice_drift(Key key, std::uint32_t replication, std::uint32_t provider,
                              double sd, double rho, int years, double* x) {
  ar1_path(key, kStreamPractice, replication, provider, sd, sd * ::sqrt(1.0 - rho * rho), rho,
           years, x);
}

//! Random effects of one provider in one replication.
struct ProviderEffect {
  double efficiency;             //!< e(p) on log cost
  double effect;                 //!< d(p), true intervention effect on log cost
  double quality[kMaxMeasures];  //!< q(p, m) on the logit of each measure
};

//! Draws e(p) ~ N(0, sd_e^2), d(p) ~ N(mean_d, sd_d^2), q(p,m) ~ N(0, sd_q^2), in that order.
APMSIM_HD ProviderEffect provider_effect(Key key, std::uint32_t replication, std::uint32_t provider,
                                         double efficiency_sd, double effect_mean, double effect_sd,
                                         double quality_sd, int measures) {
  ScalarCursor cursor(key, kStreamProviderEffect, replication, provider, 0);
  ProviderEffect r{};
  r.efficiency = efficiency_sd * cursor.normal();
  r.effect = effect_mean + effect_sd * cursor.normal();
  for (int m = 0; m < measures; ++m) r.quality[m] = quality_sd * cursor.normal();
  return r;
}

//! Poisson(mean) by sequential inversion, in pieces of mean <= 500 so e^-mean stays normal;
//! exact, and its cost (about mean steps) is below that of simulating the episodes themselves.
APMSIM_HD std::uint32_t poisson_inversion(ScalarCursor& cursor, double mean) {
  std::uint32_t total = 0;
  const int pieces = static_cast<int>(::ceil(mean / 500.0));
  const double piece_mean = pieces > 0 ? mean / pieces : 0.0;
  for (int i = 0; i < pieces; ++i) {
    const double u = cursor.next();
    double p = ::exp(-piece_mean);
    double cdf = p;
    std::uint32_t k = 0;
    while (u > cdf && p > 0.0) {
      ++k;
      p *= piece_mean / k;
      cdf += p;
    }
    total += k;
  }
  return total;
}

//! Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 via Gamma(shape+1) U^(1/shape).
APMSIM_HD double gamma_marsaglia_tsang(ScalarCursor& cursor, double shape) {
  double boost = 1.0;
  if (shape < 1.0) {
    boost = ::pow(cursor.next(), 1.0 / shape);
    shape += 1.0;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / ::sqrt(9.0 * d);
  for (;;) {
    const double z = cursor.normal();
    const double t = 1.0 + c * z;
    if (t <= 0.0) continue;
    const double v = t * t * t;
    const double u = cursor.next();
    if (::log(u) < 0.5 * z * z + d - d * v + d * ::log(v)) return boost * d * v;
  }
}

//! Episodes of one provider in one year: Poisson(volume), or negative binomial as a
//! gamma-Poisson mixture with gamma mean 1 and coefficient of variation volume_cv.
APMSIM_HD std::uint32_t episode_count(Key key, std::uint32_t replication, std::uint32_t provider,
                                      int year, double volume, double volume_cv) {
  ScalarCursor cursor(key, kStreamVolume, replication, provider, static_cast<std::uint32_t>(year));
  double mean = volume;
  if (volume_cv > 0.0) {
    const double shape = 1.0 / (volume_cv * volume_cv);
    mean *= gamma_marsaglia_tsang(cursor, shape) / shape;
  }
  return poisson_inversion(cursor, mean);
}

}  // namespace apmsim::model
