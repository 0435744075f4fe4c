#include "contract/payment.hpp"

namespace apmsim::contract {

double base_payment(const scenario::ContractTerms& terms, double cost, double benchmark,
                    double units) {
  switch (terms.base) {
    case scenario::BasePayment::Ffs:
      return cost;
    case scenario::BasePayment::Capitation:
      return benchmark;
    case scenario::BasePayment::Fee:
      return terms.participation_fee * units;
  }
  return cost;
}

Settlement settle(const scenario::ContractTerms& terms, double units, double cost, double benchmark,
                  double earn_share, double reconciliation, const AccountableCost& accountable) {
  Settlement s;
  s.base_payment = base_payment(terms, cost, benchmark, units);
  s.withheld = terms.withhold.rate * s.base_payment;
  s.earned_back = s.withheld * earn_share;
  s.provider_cost = cost;
  switch (terms.base) {
    case scenario::BasePayment::Ffs:
      s.payment = cost - s.withheld + s.earned_back + reconciliation - accountable.premium;
      s.outlay = s.payment;
      break;
    case scenario::BasePayment::Capitation:
      s.payment = s.base_payment - s.withheld + s.earned_back + reconciliation +
                  accountable.recovery + accountable.truncated_excess - accountable.premium;
      s.outlay = s.payment;
      break;
    case scenario::BasePayment::Fee:
      s.payment =
          s.base_payment - s.withheld + s.earned_back + reconciliation - accountable.premium;
      s.provider_cost = terms.delivery_cost * units;
      s.outlay = cost + s.payment;  // the claims are still paid
      break;
  }
  return s;
}

}  // namespace apmsim::contract
