// The simulator's SFTP server (an sshd child in namespaces of its own): it serves the folder to
// the password it was given and no other, keeps its port across restarts, names the reason when
// it cannot start, and is gone when stopped. Needs root (docs/sftp.md); skipped otherwise.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <boost/asio/io_context.hpp>

#include "common/sftp_support.hpp"
#include "sim/child_sshd.hpp"

namespace fs = std::filesystem;
using hal::sim::ChildSshd;
using hal::sim::ChildSshdOptions;

namespace {
struct DataDir {
    fs::path dir = fs::temp_directory_path() / ("acurev-child-sshd-" + std::to_string(::getpid()));
    DataDir() {
        fs::create_directories(dir / "logs");
        std::ofstream(dir / "logs" / "a.csv.gz") << "rows";
        std::ofstream(dir / "settings.json") << "{}";
    }
    ~DataDir() { fs::remove_all(dir); }
};

std::string listing(std::uint16_t port, const std::string& password, const std::string& path = "/logs/") {
    const auto r = hal::sftp::run({"/usr/bin/curl", "-sS", "--max-time", "10", "--insecure", "-u", "sftpuser:" + password,
                                   "sftp://127.0.0.1:" + std::to_string(port) + path});
    return r.status == 0 ? r.output : "curl " + std::to_string(r.status);
}

bool listening(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}
}  // namespace

TEST_CASE("the sshd child serves the folder to its password, keeps its port and is gone when stopped") {
    if (::geteuid() != 0) {
        WARN("needs root: not run");
        return;
    }
    DataDir d;
    boost::asio::io_context io;
    ChildSshd sshd(io, ChildSshdOptions{d.dir, 0});
    const hal::SftpServe serve{{"127.0.0.1"}, 22, "sftpuser", hal::sha512_crypt("accuenergy"), "logs"};
    sshd.start(serve);
    const auto port = sshd.port();
    CHECK(sshd.status().serving);
    CHECK(sshd.status().urls == std::vector<std::string>{"sftp://127.0.0.1:" + std::to_string(port)});
    CHECK(listing(port, "accuenergy").find("a.csv.gz") != std::string::npos);
    CHECK(listing(port, "accuenergy", "/settings.json").rfind("curl ", 0) == 0);
    CHECK(listing(port, "wrong-one") == "curl 67");
    io.poll();  // what sshd said
    CHECK(sshd.status().logins == 2);
    CHECK(sshd.status().refused == 1);

    auto again = serve;
    again.password_hash = hal::sha512_crypt("n3w-passw0rd");
    sshd.start(again);
    CHECK(sshd.port() == port);
    CHECK(listing(port, "accuenergy") == "curl 67");
    CHECK(listing(port, "n3w-passw0rd").find("a.csv.gz") != std::string::npos);
    sshd.stop();
    CHECK_FALSE(listening(port));
    CHECK_FALSE(sshd.status().serving);
    CHECK(fs::status(d.dir / "sftp-server" / "ssh_host_ed25519_key").permissions() == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("an sshd child that cannot bind its port says so") {
    if (::geteuid() != 0) {
        WARN("needs root: not run");
        return;
    }
    DataDir d;
    boost::asio::io_context io;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    ChildSshd sshd(io, ChildSshdOptions{d.dir, ntohs(a.sin_port)});
    CHECK_THROWS_WITH(sshd.start({{"127.0.0.1"}, 22, "sftpuser", hal::sha512_crypt("accuenergy"), "logs"}),
                      Catch::Contains("sshd did not start") && Catch::Contains("Address already in use"));
    ::close(fd);
    CHECK_FALSE(sshd.status().serving);
}
