#include "model/data_model.hpp"

#include <stdexcept>

#include "modbus/pdu.hpp"

namespace fw {

const char* to_string(Quality q) {
    switch (q) {
        case Quality::never_read: return "never read";
        case Quality::fresh: return "fresh";
        case Quality::stale: return "stale";
    }
    return "?";
}

DataModel::DataModel(hal::Duration stale_after) : stale_after_(stale_after) {
    for (const auto& b : acurev::register_blocks())
        images_.push_back({&b, std::vector<std::uint16_t>(b.count, 0), std::vector<std::optional<hal::Time>>(b.count)});
}

DataModel::BlockImage* DataModel::image_for(std::uint16_t address, std::uint16_t count) {
    for (auto& i : images_)
        if (i.block->contains(address, count)) return &i;
    return nullptr;
}

const DataModel::BlockImage* DataModel::image_for(std::uint16_t address, std::uint16_t count) const {
    for (const auto& i : images_)
        if (i.block->contains(address, count)) return &i;
    return nullptr;
}

void DataModel::store_registers(std::uint16_t address, const std::vector<std::uint16_t>& regs, hal::Time at) {
    auto* img = image_for(address, static_cast<std::uint16_t>(regs.size()));
    if (!img) throw std::out_of_range("registers " + std::to_string(address) + "+" + std::to_string(regs.size()) + " are in no block");
    const std::size_t off = address - img->block->start;
    for (std::size_t i = 0; i < regs.size(); ++i) {
        img->regs[off + i] = regs[i];
        img->read_at[off + i] = at;
    }
}

void DataModel::store_coils(const std::vector<bool>& coils, hal::Time at) {
    for (std::size_t i = 0; i < coils_.size() && i < coils.size(); ++i) coils_[i] = coils[i];
    coils_time_ = at;
}

void DataModel::store_inputs(const std::vector<bool>& inputs, hal::Time at) {
    for (std::size_t i = 0; i < inputs_.size() && i < inputs.size(); ++i) inputs_[i] = inputs[i];
    inputs_time_ = at;
}

Quality DataModel::quality_of(const std::optional<hal::Time>& t, hal::Time now) const {
    if (!t) return Quality::never_read;
    return now - *t > stale_after_ ? Quality::stale : Quality::fresh;
}

Quality DataModel::quality(std::uint16_t address, std::uint16_t count, hal::Time now) const {
    const auto* img = image_for(address, count);
    if (!img) return Quality::never_read;
    Quality worst = Quality::fresh;
    const std::size_t off = address - img->block->start;
    for (std::size_t i = 0; i < count; ++i) {
        const Quality q = quality_of(img->read_at[off + i], now);
        if (q == Quality::never_read) return q;
        if (q == Quality::stale) worst = q;
    }
    return worst;
}

std::vector<std::uint16_t> DataModel::registers(std::uint16_t address, std::uint16_t count) const {
    const auto* img = image_for(address, count);
    if (!img) throw std::out_of_range("registers " + std::to_string(address) + "+" + std::to_string(count) + " are in no block");
    const auto off = static_cast<std::ptrdiff_t>(address - img->block->start);
    return {img->regs.begin() + off, img->regs.begin() + off + count};
}

Reading DataModel::reading(const Parameter& p, hal::Time now) const {
    const auto n = static_cast<std::uint16_t>(p.registers());
    Reading r;
    r.quality = quality(p.board_register, n, now);
    if (r.quality == Quality::never_read) return r;
    const auto* img = image_for(p.board_register, n);
    const std::size_t off = p.board_register - img->block->start;
    r.time = *img->read_at[off];
    const auto regs = registers(p.board_register, n);
    switch (p.type) {
        case DataType::float32: r.value = modbus::get_float(regs, 0) * p.scale; break;
        case DataType::uint32: r.value = modbus::get_u32(regs, 0) * p.scale; break;
        case DataType::uint16: r.value = regs[0] * p.scale; break;
    }
    return r;
}

std::optional<hal::Time> DataModel::oldest_read(const acurev::Block& b) const {
    const auto* img = image_for(b.start, b.count);
    if (!img) return std::nullopt;
    std::optional<hal::Time> oldest;
    for (const auto& t : img->read_at) {
        if (!t) return std::nullopt;
        oldest = oldest ? std::min(*oldest, *t) : *t;
    }
    return oldest;
}

}  // namespace fw
