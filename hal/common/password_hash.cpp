#include "hal/password_hash.hpp"

#include <crypt.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hal {

std::string sha512_crypt(const std::string& password) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    // libcrypt draws the salt from the kernel's random source itself.
    if (!::crypt_gensalt_rn("$6$", 0, nullptr, 0, salt, sizeof salt)) throw std::runtime_error(std::string("crypt_gensalt: ") + std::strerror(errno));
    crypt_data data{};
    const char* hash = ::crypt_rn(password.c_str(), salt, &data, sizeof data);
    if (!hash || hash[0] != '$') throw std::runtime_error("crypt(3) could not hash the password");
    return hash;
}

bool crypt_matches(const std::string& password, const std::string& hash) {
    crypt_data data{};
    const char* again = ::crypt_rn(password.c_str(), hash.c_str(), &data, sizeof data);
    return again && again[0] == '$' && hash == again;
}

}  // namespace hal
