#include "sim/sim_hal.hpp"

namespace hal::sim {

SimHal::SimHal(boost::asio::io_context& io, EventScheduler& scheduler, SerialPort& rs485, const SimEndpoints& endpoints)
    : clock_(scheduler),
      network_(endpoints.listen, endpoints.allow_outside),
      storage_(endpoints.data_dir),
      system_(endpoints.identity),
      workers_(io, 2),
      sftp_(io, ChildSshdOptions{endpoints.data_dir, endpoints.sftp_port}),
      boot_(storage_),
      hal_{io, scheduler, clock_, rs485, network_, storage_, system_, workers_, sftp_, boot_} {}

}  // namespace hal::sim
