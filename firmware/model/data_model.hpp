#pragma once
// The module's mirror of the board: the latest register image of every block with the time it
// was read, the relay and input states, and typed readings through the catalogue. Readings go
// stale when a block has not been read for `stale_after` (documented in README "Faults").
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "acurev/board_map.hpp"
#include "catalogue/catalogue.hpp"
#include "hal/time.hpp"

namespace fw {

enum class Quality { never_read, fresh, stale };
const char* to_string(Quality q);

struct Reading {
    double value = 0;
    Quality quality = Quality::never_read;
    hal::Time time{};  // when the board answered
};

class DataModel {
public:
    explicit DataModel(hal::Duration stale_after);

    // Poller side.
    void store_registers(std::uint16_t address, const std::vector<std::uint16_t>& regs, hal::Time at);
    void store_coils(const std::vector<bool>& coils, hal::Time at);
    void store_inputs(const std::vector<bool>& inputs, hal::Time at);

    // Service side. Each check answers for the instant `now`.
    Quality quality(std::uint16_t address, std::uint16_t count, hal::Time now) const;
    std::vector<std::uint16_t> registers(std::uint16_t address, std::uint16_t count) const;
    Quality coil_quality(hal::Time now) const { return quality_of(coils_time_, now); }
    Quality input_quality(hal::Time now) const { return quality_of(inputs_time_, now); }
    const std::array<bool, acurev::coil_count>& coils() const { return coils_; }
    const std::array<bool, acurev::discrete_input_count>& inputs() const { return inputs_; }
    Reading reading(const Parameter& p, hal::Time now) const;
    hal::Duration stale_after() const { return stale_after_; }
    // The oldest read of any register of `b` (blocks are read in chunks); none before all are read.
    std::optional<hal::Time> oldest_read(const acurev::Block& b) const;

private:
    struct BlockImage {
        const acurev::Block* block;
        std::vector<std::uint16_t> regs;
        std::vector<std::optional<hal::Time>> read_at;  // per register: blocks are read in chunks
    };
    Quality quality_of(const std::optional<hal::Time>& t, hal::Time now) const;
    BlockImage* image_for(std::uint16_t address, std::uint16_t count);
    const BlockImage* image_for(std::uint16_t address, std::uint16_t count) const;

    hal::Duration stale_after_;
    std::vector<BlockImage> images_;
    std::array<bool, acurev::coil_count> coils_{};
    std::array<bool, acurev::discrete_input_count> inputs_{};
    std::optional<hal::Time> coils_time_, inputs_time_;
};

}  // namespace fw
