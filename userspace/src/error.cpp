#include "xdpkit/userspace/error.hpp"

#include <cstring>

namespace xdpkit {

namespace {
std::string compose(int err, std::string_view operation, std::string_view object,
                    std::string_view hint) {
  std::string m;
  m.append(operation);
  if (!object.empty()) m.append(" on ").append(object);
  m.append(": ").append(std::strerror(err));
  if (!hint.empty()) m.append(" — ").append(hint);
  return m;
}
}  // namespace

os_error::os_error(int err, std::string_view operation, std::string_view object,
                   std::string_view hint)
    : std::system_error(err, std::generic_category()),
      message_(compose(err, operation, object, hint)) {}

void throw_os_error(int err, std::string_view operation, std::string_view object,
                    std::string_view hint) {
  throw os_error(err, operation, object, hint);
}

}  // namespace xdpkit
