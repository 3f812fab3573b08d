#pragma once
// The crypt(3) hashes passwords are kept as where a system tool checks them (sshd's shadow entry for
// SFTP download): SHA-512 crypt, "$6$<salt>$<hash>", with a fresh random salt from libcrypt.
// Implemented in hal/common/password_hash.cpp (library acurev_hal_password, part of the hal API).
#include <string>

namespace hal {

std::string sha512_crypt(const std::string& password);  // throws std::runtime_error when libcrypt cannot
bool crypt_matches(const std::string& password, const std::string& hash);

}  // namespace hal
