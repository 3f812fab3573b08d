#pragma once
// The post channels' queues in the data directory: folder `postN`, one file per post, named
// `<12-digit UTC period start>-L<logger>-<remote name>` so the oldest sorts first and a file queued
// again after a power cut (its logger's outbox not yet removed) replaces itself, never doubles.
#include <cstdint>
#include <string>

namespace fw::post_queue {

inline std::string folder(int channel) { return "post" + std::to_string(channel); }
std::string entry(std::int64_t period_start, int logger, const std::string& remote_name);
std::string remote_name(const std::string& entry);  // the name the server gets

}  // namespace fw::post_queue
