#pragma once
// The saved settings of the module and the board (ARCHITECTURE "Storage and configuration"):
// versioned JSON in the data directory, written atomically; migrated step by step when an older
// version is read. Every change goes through one validator: each value against its spec, board
// settings against the board map with its cross-field rules (the board's registers as they are,
// with the change applied); a change with any bad value is refused whole, each error naming the
// field and its allowed range. The values the module runs with are kept apart: keys that apply on
// reboot are pending until then.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hal/storage.hpp"
#include "settings/settings_schema.hpp"

namespace fw {

// A board register as the board holds it now (the data model), when known.
using BoardRegisters = std::function<std::optional<std::uint16_t>(std::uint16_t address)>;

struct BoardWrite {
    std::uint16_t address;
    std::vector<std::uint16_t> values;
};

class Settings {
public:
    static constexpr const char* file_name = "settings.json";
    explicit Settings(hal::Storage& storage);  // loads (and migrates) the saved file, or the defaults

    // Checks `changes` ({key: value}) as a whole; on success `normalised` holds the values as stored.
    std::vector<std::string> validate(const nlohmann::json& changes, nlohmann::json& normalised, const BoardRegisters& board = {}) const;
    // Validates, then saves: all or nothing. Returns the errors.
    std::vector<std::string> change(const nlohmann::json& changes, const BoardRegisters& board = {});
    // The register writes that bring the board to the board settings among `normalised` changes.
    static std::vector<BoardWrite> board_writes(const nlohmann::json& normalised);
    // Board registers written (acknowledged by the board): the saved copy follows them.
    void follow_board(std::uint16_t address, const std::vector<std::uint16_t>& values);

    const nlohmann::json& value(const std::string& key) const;  // throws std::invalid_argument for an unknown key
    std::int64_t number(const std::string& key) const;           // integers, choices (their code), booleans (0/1)
    double real(const std::string& key) const;
    std::string text(const std::string& key) const;
    // The value the module runs with: for a key that applies on reboot, the one saved at boot.
    const nlohmann::json& running(const std::string& key) const;
    nlohmann::json to_json() const { return values_; }

    // The whole set for a backup, secrets left out; import migrates and applies it like any change.
    nlohmann::json export_json() const;
    std::vector<std::string> import_json(const nlohmann::json& doc, const BoardRegisters& board = {});
    // Keys saved with a new value that take effect at the next module reboot.
    std::vector<std::string> pending_reboot() const;

private:
    std::uint16_t board_word(std::uint16_t address, const nlohmann::json& normalised, const BoardRegisters& board) const;
    std::optional<std::string> save(const nlohmann::json& values);  // the error, when it did not reach the disk
    hal::Storage& storage_;
    nlohmann::json values_;
    nlohmann::json running_;  // as at boot, for the keys that apply on reboot
};

}  // namespace fw
