#pragma once
// Typed errors thrown by the libraries. Only the CLI's main() turns them into a one-line
// message and an exit code; no library prints or exits.
#include <stdexcept>
#include <string>

namespace serialq {

// Base of every serialq error; what() is the complete one-line message.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A configuration file (YAML) or option is malformed, unknown or out of range.
// Message form: "<file>:<line>: <key path>: <what was found>, expected <what>".
class ConfigError : public Error {
public:
    using Error::Error;
};

// An input file (data set, weights, cache, table) is missing, truncated or corrupt.
class InputError : public Error {
public:
    using Error::Error;
};

}  // namespace serialq
