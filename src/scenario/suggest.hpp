#pragma once
//! Suggestions for misspelt keys and names: the nearest candidate by edit distance.

#include <string>
#include <string_view>
#include <vector>

namespace apmsim::scenario {

//! Levenshtein distance between two words, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

//! The candidate nearest to `word`, or "" when none is close enough to be a plausible typo.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

//! "; did you mean 'x'?" for a close candidate, else a list of the candidates ("" when there are
//! none).
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace apmsim::scenario
