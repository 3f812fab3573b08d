#include "poller/poller.hpp"

#include <algorithm>

namespace fw {

namespace blocks = acurev::blocks;


Poller::Poller(hal::Scheduler& scheduler, RtuMaster& master, DataModel& model, std::function<std::uint8_t()> slave,
               PollerOptions options)
    : scheduler_(scheduler), master_(master), model_(model), slave_(std::move(slave)), options_(options),
      interval_(options.interval) {}

Poller::~Poller() { stop(); }

void Poller::start() {
    if (running_) return;
    running_ = true;
    begin_cycle();
}

void Poller::stop() {
    running_ = false;
    if (timer_) scheduler_.cancel(*timer_);
    timer_.reset();
}

void Poller::begin_cycle() {
    timer_.reset();
    if (!running_) return;
    cycle_start_ = scheduler_.now();
    ++stats_.cycles;
    answered_in_cycle_ = 0;
    plan_.clear();
    auto add = [](std::vector<Read>& to, const acurev::Block& b) {
        to.push_back({modbus::Function::read_holding_registers, b.start, b.count});
    };
    // Slow blocks (settings, clock, energy, demand, counters) are read a slice per cycle, so a
    // slow or noisy line never holds the real-time blocks back.
    queue_due_blocks();
    for (const auto& b : acurev::register_blocks())
        if ((b.poll == acurev::Poll::once && need_info_) || b.poll == acurev::Poll::fast) add(plan_, b);
    plan_.push_back({modbus::Function::read_coils, 0, acurev::coil_count});
    plan_.push_back({modbus::Function::read_discrete_inputs, 0, acurev::discrete_input_count});
    // On a noisy line (small reads) the slice shrinks with the read size: real-time blocks first.
    int budget = std::max<int>(chunk_, options_.slow_registers_per_cycle * chunk_ / 125);
    while (budget > 0 && !slow_.empty()) {
        Read r = slow_.front();
        const auto take = static_cast<std::uint16_t>(std::min<int>(budget, r.count));
        plan_.push_back({r.function, r.address, take});
        budget -= take;
        if (take == r.count) {
            slow_.erase(slow_.begin());
        } else {
            slow_.front().address = static_cast<std::uint16_t>(r.address + take);
            slow_.front().count = static_cast<std::uint16_t>(r.count - take);
        }
    }
    next_ = 0;
    next_read();
}

void Poller::queue_due_blocks() {
    using acurev::Poll;
    const auto every = [this](Poll r) {
        return static_cast<std::uint64_t>(r == Poll::frequent ? options_.frequent_every : r == Poll::rare ? options_.rare_every : options_.slow_every);
    };
    // After a start every block is due, in rate order, so energy and the settings writes are checked
    // against arrive first.
    for (const Poll r : {Poll::frequent, Poll::slow, Poll::rare})
        for (const auto& b : acurev::register_blocks()) {
            if (b.poll != r) continue;
            if (!need_info_ && stats_.cycles % every(r) != 1 % every(r)) continue;
            const bool queued = std::any_of(slow_.begin(), slow_.end(), [&](const Read& q) { return b.contains(q.address, q.count); });
            if (queued) continue;
            const Read read{modbus::Function::read_holding_registers, b.start, b.count};
            // Frequent blocks go ahead of a backlog (behind the block being read a slice at a time).
            if (r == Poll::frequent && !need_info_ && !slow_.empty())
                slow_.insert(slow_.begin() + 1, read);
            else
                slow_.push_back(read);
        }
}

void Poller::next_read() {
    if (!running_) return;
    if (!soon_.empty()) {
        plan_.insert(plan_.begin() + static_cast<std::ptrdiff_t>(next_), soon_.begin(), soon_.end());
        soon_.clear();
    }
    if (next_ >= plan_.size()) {
        end_cycle();
        return;
    }
    Read r = plan_[next_];
    if (r.function == modbus::Function::read_holding_registers && r.count > chunk_) {
        // Read the first chunk now and leave the rest of the block for the next step.
        plan_[next_].address = static_cast<std::uint16_t>(r.address + chunk_);
        plan_[next_].count = static_cast<std::uint16_t>(r.count - chunk_);
        r.count = chunk_;
    } else {
        ++next_;
    }
    modbus::Request req{r.function, r.address, r.count, {}, {}};
    master_.submit(slave_(), req, [this, r](const TransactionResult& res) { on_read(r, res); });
}

void Poller::on_read(const Read& r, const TransactionResult& res) {
    if (!running_) return;
    const hal::Time now = scheduler_.now();
    if (res.response && !res.response->exception) {
        ++stats_.reads_ok;
        ++answered_in_cycle_;
        if (r.function == modbus::Function::read_coils)
            model_.store_coils(res.response->bits, now);
        else if (r.function == modbus::Function::read_discrete_inputs)
            model_.store_inputs(res.response->bits, now);
        else
            model_.store_registers(r.address, res.response->registers, now);
        if (r.address == blocks::device_info.start && r.function == modbus::Function::read_holding_registers) need_info_ = false;
        if (!res.corrupt_seen && res.tries == 1 && ++clean_run_ >= 8 && chunk_ < 125) {
            chunk_ = static_cast<std::uint16_t>(std::min(125, chunk_ * 2));
            clean_run_ = 0;
        }
    } else {
        ++stats_.reads_failed;
        if (res.response || res.corrupt_seen) ++answered_in_cycle_;  // an exception or a garbled reply: someone is there
        clean_run_ = 0;
        // A chunk lost to a noisy line is asked again (up to 3 times) in this cycle rather than left for the next.
        if (!res.response && res.corrupt_seen && r.asked < 3) {
            Read again = r;
            ++again.asked;
            plan_.insert(plan_.begin() + static_cast<std::ptrdiff_t>(next_), again);
        }
    }
    if (res.corrupt_seen) {
        chunk_ = static_cast<std::uint16_t>(std::max(8, chunk_ / 2));
        clean_run_ = 0;
    }
    stats_.chunk = chunk_;
    // A board that answers nothing at all: skip the rest of this cycle.
    if (!res.response && !res.corrupt_seen && res.error == TransactionError::timeout && answered_in_cycle_ == 0) {
        end_cycle();
        return;
    }
    next_read();
}

void Poller::end_cycle() {
    const bool answering = answered_in_cycle_ > 0;
    if (answering && !stats_.board_answering) need_info_ = true;  // it may be another board now
    if (!answering) need_info_ = true;
    stats_.board_answering = answering;
    // Back off while the board is silent, return to the normal rate as soon as it answers.
    interval_ = answering ? options_.interval : std::min(options_.backoff_max, interval_ * 2);
    stats_.current_interval = interval_;
    const hal::Time next = std::max(scheduler_.now(), cycle_start_ + interval_);
    timer_ = scheduler_.at(next, [this] { begin_cycle(); });
    if (cycle_end_) cycle_end_();
}

void Poller::write_registers(std::uint16_t address, std::vector<std::uint16_t> values, WriteDone done) {
    const auto n = static_cast<std::uint16_t>(values.size());
    modbus::Request req{modbus::Function::write_multiple_registers, address, n, std::move(values), {}};
    master_.submit(slave_(), req, [this, req, done = std::move(done)](const TransactionResult& res) {
        // Mirror what the board accepted at once, so a read after the write sees it.
        // Commands act and read 0: only settings are mirrored.
        if (res.response && !res.response->exception && !acurev::blocks::commands.contains(req.address, req.count))
            model_.store_registers(req.address, req.registers, scheduler_.now());
        // A new event log window is read at once, so the master polling it sees it soon.
        if (res.response && !res.response->exception && acurev::blocks::event_window.contains(req.address, req.count))
            soon_.push_back({modbus::Function::read_holding_registers, acurev::blocks::event_log.start, acurev::blocks::event_log.count});
        done(res);
    }, true);
}

void Poller::write_coil(std::uint16_t address, bool on, WriteDone done) {
    modbus::Request req{modbus::Function::write_single_coil, address, 1, {}, {on}};
    master_.submit(slave_(), req, [this, address, on, done = std::move(done)](const TransactionResult& res) {
        if (res.response && !res.response->exception) {
            std::vector<bool> coils(model_.coils().begin(), model_.coils().end());
            coils.at(address) = on;
            model_.store_coils(coils, scheduler_.now());
        }
        done(res);
    }, true);
}

}  // namespace fw
