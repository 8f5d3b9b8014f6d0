#include "xdpkit/topology/error.hpp"

#include <cstring>

namespace xdpkit::topology {

namespace {
std::string io_message(int err, std::string_view operation, const std::filesystem::path& path,
                       std::string_view hint) {
  std::string m;
  m.append(operation).append(" ").append(path.string()).append(": ").append(std::strerror(err));
  if (!hint.empty()) m.append(" — ").append(hint);
  return m;
}

std::string parse_message(std::string_view subject, std::string_view source, std::string_view detail) {
  std::string m;
  m.append(subject).append(" in ").append(source.empty() ? std::string_view("<input>") : source);
  m.append(": ").append(detail);
  return m;
}
}  // namespace

io_error::io_error(int err, std::string_view operation, const std::filesystem::path& path,
                   std::string_view hint)
    : std::system_error(err, std::generic_category()),
      path_(path),
      message_(io_message(err, operation, path, hint)) {}

parse_error::parse_error(std::string_view subject, std::string_view source, std::string_view detail)
    : std::runtime_error(parse_message(subject, source, detail)),
      source_(source.empty() ? "<input>" : std::string(source)) {}

}  // namespace xdpkit::topology
