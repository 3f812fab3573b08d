#include "linux/linux_hal.hpp"

namespace hal::linux_backend {

LinuxHal::LinuxHal(boost::asio::io_context& io, const LinuxEndpoints& endpoints)
    : scheduler_(wall_.now()),
      endpoint_(parse_serial_endpoint(endpoints.serial)),
      clock_(wall_),
      network_(endpoints.bind),
      storage_(endpoints.data_dir),
      system_(endpoints.identity),
      workers_(io, 2),
      sftp_(SystemSshdOptions{endpoints.sshd_config_dir, endpoints.data_dir}) {
    port_ = std::make_unique<TtySerialPort>(io, scheduler_, endpoint_.path, endpoint_.config);
    hal_ = std::make_unique<Hal>(Hal{io, scheduler_, clock_, *port_, network_, storage_, system_, workers_, sftp_, boot_});
}

}  // namespace hal::linux_backend
