#pragma once
//! Empirical severities: a positive-cost distribution given by its quantile function, and the
//! normal-score grid on which the engine samples it (docs/model.md, "Empirical severity").
//!
//! QuantileTable: Q is linear between knots (p_j, q_j), 0 = p_0 < ... < p_K, q non-decreasing;
//! above p_K (when p_K < 1) a generalised Pareto tail,
//!   Q(p) = q_K + sigma / xi ((1 - (p - p_K) / (1 - p_K))^-xi - 1)   (xi = 0: q_K - sigma ln(.)),
//! so the cost above q_K is GPD(sigma, xi) with probability 1 - p_K. Moments and limited means
//! E[min(X, a)] are exact closed forms over the segments and the tail.
//!
//! ScoreGrid: g(w) = Q(Phi(w)) at w_j = -L + 2 L j / M (the engine's float values), linear
//! between them; g(w_0) below the grid; the tail formula above it. Its moments and limited means
//! are exact integrals of that piecewise linear function against the normal density, so a
//! simulation can be checked against what the engine actually samples, and against the table.

#include <string>
#include <vector>

namespace apmsim::stats {

//! A quantile function with a generalised Pareto tail (see the file comment).
class QuantileTable {
 public:
  QuantileTable() = default;
  //! Throws std::invalid_argument (naming what is wrong) unless the knots are a valid table:
  //! at least 2, p_0 = 0, p increasing up to p_K <= 1, q >= 0 non-decreasing; with p_K < 1 a
  //! tail with sigma > 0 and xi < 1.
  QuantileTable(std::vector<double> probabilities, std::vector<double> quantiles,
                double tail_scale = 0.0, double tail_shape = 0.0);

  const std::vector<double>& probabilities() const { return p_; }
  const std::vector<double>& quantiles() const { return q_; }
  double tail_scale() const { return sigma_; }
  double tail_shape() const { return xi_; }
  //! P(X > q_K): the probability in the generalised Pareto tail (0 without one).
  double tail_probability() const { return 1.0 - p_.back(); }
  bool has_tail() const { return p_.back() < 1.0; }

  //! Q(p) for p in [0, 1]; +inf at 1 with an unbounded tail.
  double quantile(double p) const;
  //! P(X <= x).
  double cdf(double x) const;
  //! E[X] (+inf for xi >= 1, which the constructor refuses).
  double mean() const;
  //! E[min(X, a)] for a >= 0.
  double limited_mean(double a) const;
  //! E[X^2] (+inf for xi >= 1/2).
  double second_moment() const;

 private:
  std::vector<double> p_, q_;
  double sigma_ = 0.0, xi_ = 0.0;
};

//! The engine's sampled form of a QuantileTable (see the file comment).
class ScoreGrid {
 public:
  //! Tabulates `table` at cells + 1 scores in [-limit, limit], rounded to float as the engine
  //! stores them.
  ScoreGrid(const QuantileTable& table, int cells, double limit);

  //! g at the grid points, as the engine holds them.
  const std::vector<float>& values() const { return g_; }
  //! E[g(W)], W ~ N(0, 1).
  double mean() const;
  //! E[min(g(W), a)].
  double limited_mean(double a) const;

 private:
  QuantileTable table_;
  std::vector<float> g_;
  double limit_;
};

}  // namespace apmsim::stats
