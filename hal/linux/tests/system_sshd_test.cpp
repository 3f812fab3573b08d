// SFTP download on a unit: the drop-in the system sshd reads, the password handed to chpasswd as
// a SHA-512 crypt hash (never in clear), and their removal when it stops. The system's commands
// are replaced by ones that write what they are given into the test's folder.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sftp_support.hpp"
#include "linux/system_sshd.hpp"

namespace fs = std::filesystem;
using hal::linux_backend::SystemSshd;
using hal::linux_backend::SystemSshdOptions;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Folder {
    fs::path dir = fs::temp_directory_path() / ("acurev-sshd-test-" + std::to_string(::getpid()));
    Folder() { fs::create_directories(dir); }
    ~Folder() { fs::remove_all(dir); }
};
}  // namespace

TEST_CASE("the system sshd gets a Match block for sftpuser and a hashed password, both undone at stop") {
    Folder f;
    SystemSshdOptions o;
    o.config_dir = f.dir;
    o.data_dir = "/var/lib/acurev";
    o.set_password = {"/bin/sh", "-c", "cat >> '" + (f.dir / "chpasswd").string() + "'"};
    o.reload = {"/bin/sh", "-c", "echo reload >> '" + (f.dir / "reloads").string() + "'"};
    SystemSshd sshd(o);
    sshd.start({{"192.168.1.254"}, 22, "sftpuser", hal::sha512_crypt("accuenergy"), "logs"});
    const auto conf = slurp(f.dir / SystemSshd::drop_in);
    CHECK(conf.find("Match User sftpuser\n    ChrootDirectory /var/lib/acurev/logs\n    ForceCommand internal-sftp -R\n") != std::string::npos);
    CHECK(conf.find("PermitTTY no") != std::string::npos);
    CHECK(conf.find("DisableForwarding yes") != std::string::npos);
    CHECK(conf.substr(conf.size() - 10) == "Match all\n");
    const auto pw = slurp(f.dir / "chpasswd");
    REQUIRE(pw.rfind("sftpuser:$6$", 0) == 0);
    CHECK(pw.find("accuenergy") == std::string::npos);
    CHECK(hal::crypt_matches("accuenergy", pw.substr(9, pw.size() - 10)));
    CHECK_FALSE(hal::crypt_matches("accuenergx", pw.substr(9, pw.size() - 10)));
    CHECK(sshd.status().serving);
    CHECK(sshd.status().urls == std::vector<std::string>{"sftp://192.168.1.254:22"});
    sshd.stop();
    CHECK_FALSE(fs::exists(f.dir / SystemSshd::drop_in));
    CHECK(slurp(f.dir / "chpasswd").substr(pw.size()) == "sftpuser:!\n");
    CHECK(slurp(f.dir / "reloads") == "reload\nreload\n");
    CHECK_FALSE(sshd.status().serving);
}

TEST_CASE("without the system sshd's drop-in folder SFTP download says what it needs") {
    SystemSshd sshd(SystemSshdOptions{});
    CHECK_THROWS_WITH(sshd.start({{"127.0.0.1"}, 22, "sftpuser", hal::sha512_crypt("accuenergy"), "logs"}), Catch::Contains("--sshd-config-dir"));
}

TEST_CASE("what cannot go into an sshd config is refused before anything is written") {
    const std::string hash = hal::sha512_crypt("accuenergy");
    CHECK_THROWS_WITH(hal::sftp::check({{"127.0.0.1"}, 22, "sftp user", hash, "logs"}), Catch::Contains("system user name"));
    CHECK_THROWS_WITH(hal::sftp::check({{"127.0.0.1\nPermitTTY yes"}, 22, "sftpuser", hash, "logs"}), Catch::Contains("not an IPv4 address"));
    CHECK_THROWS_WITH(hal::sftp::check({{"127.0.0.1"}, 22, "sftpuser", hash, "../etc"}), Catch::Contains("plain folder name"));
    // Only a crypt(3) hash goes to a server, and nothing that could end its shadow or chpasswd line.
    CHECK_THROWS_WITH(hal::sftp::check({{"127.0.0.1"}, 22, "sftpuser", "", "logs"}), Catch::Contains("crypt(3) hash"));
    CHECK_THROWS_WITH(hal::sftp::check({{"127.0.0.1"}, 22, "sftpuser", "accuenergy", "logs"}), Catch::Contains("crypt(3) hash"));
    CHECK_THROWS_WITH(hal::sftp::check({{"127.0.0.1"}, 22, "sftpuser", hash + ":0:0\nroot::", "logs"}), Catch::Contains("crypt(3) hash"));
}
