#pragma once
// The board's register image, block by block, in address order (private to the board's files).
#include <utility>
#include <vector>

#include "meter/virtual_board.hpp"

namespace sim::meter {

struct VirtualBoard::Registers {
    std::vector<std::pair<const acurev::Block*, std::vector<std::uint16_t>>> images;
    Registers() {
        for (const auto& b : acurev::register_blocks()) images.emplace_back(&b, std::vector<std::uint16_t>(b.count, 0));
    }
};

}  // namespace sim::meter
