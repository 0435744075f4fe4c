#pragma once
//! Error types. An InputError is the user's to fix (exit code 2); anything else is a runtime
//! failure.

#include <stdexcept>
#include <string>
#include <utility>

namespace apmsim {

//! Bad input: scenario, options or files. The CLI prints what() and exits with code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace scenario {

//! Bad scenario input: carries where (file, line, column) and which key.
class ScenarioError : public InputError {
 public:
  ScenarioError(std::string file, int line, int column, std::string key, const std::string& message)
      : InputError(format(file, line, column, key, message)),
        file_(std::move(file)),
        line_(line),
        column_(column),
        key_(std::move(key)) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key() const { return key_; }

 private:
  static std::string format(const std::string& file, int line, int column, const std::string& key,
                            const std::string& message) {
    std::string where = file.empty() ? std::string("<scenario>") : file;
    if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
    return where + ": " + (key.empty() ? std::string() : "'" + key + "': ") + message;
  }
  std::string file_;
  int line_;
  int column_;
  std::string key_;
};

}  // namespace scenario
}  // namespace apmsim
