#include "common/file_boot_control.hpp"

#include <sstream>
#include <stdexcept>

namespace hal {

namespace {
constexpr const char* record_file = "boot/record";
std::string slot_file(const std::string& slot) { return "boot/slot-" + slot + ".img"; }
}  // namespace

struct FileBootControl::Record {
    BootStatus s;
};

struct FileBootControl::Writing {
    std::string pending;  // appended in pieces of 256 KiB: one fsync per piece, not per network read
    std::uint64_t size = 0;
};

FileBootControl::FileBootControl(Storage& storage) : storage_(storage), record_(std::make_unique<Record>()) { load(); }
FileBootControl::~FileBootControl() = default;

void FileBootControl::load() {
    BootStatus s;
    s.booted = s.confirmed = "a";
    s.slots = {{"a", std::nullopt, 0, ""}, {"b", std::nullopt, 0, ""}};
    s.last_boot = "factory";
    if (const auto text = storage_.read(record_file)) {
        // "key value" lines; a record that does not parse is a factory one (and says so)
        std::istringstream in(*text);
        std::string key;
        bool good = true;
        while (in >> key) {
            if (key == "booted") in >> s.booted;
            else if (key == "confirmed") in >> s.confirmed;
            else if (key == "trial") {
                in >> s.trial_slot;
                if (s.trial_slot == "-") s.trial_slot.clear();
            }
            else if (key == "tries") in >> s.tries_left;
            else if (key == "boots") in >> s.boots;
            else if (key == "last") {
                std::getline(in >> std::ws, s.last_boot);
            } else if (key == "slot") {
                BootSlot b;
                std::string version, sha;
                in >> b.name >> version >> b.size >> sha;
                if (version != "-") b.version = version;
                if (sha != "-") b.sha256 = sha;
                for (auto& existing : s.slots)
                    if (existing.name == b.name) existing = b;
            } else {
                good = false;
                break;
            }
            if (!in && !in.eof()) {
                good = false;
                break;
            }
        }
        if (!good || (s.booted != "a" && s.booted != "b") || (s.confirmed != "a" && s.confirmed != "b")) {
            s = BootStatus{"a", "a", "", 0, 0, {{"a", std::nullopt, 0, ""}, {"b", std::nullopt, 0, ""}}, "boot record unreadable: factory slot a"};
        }
    }
    record_->s = s;
}

void FileBootControl::save() {
    const auto& s = record_->s;
    std::ostringstream out;
    out << "booted " << s.booted << "\nconfirmed " << s.confirmed << "\ntrial " << (s.trial_slot.empty() ? "-" : s.trial_slot) << "\ntries " << s.tries_left << "\nboots "
        << s.boots << "\n";
    for (const auto& b : s.slots)
        out << "slot " << b.name << ' ' << b.version.value_or("-") << ' ' << b.size << ' ' << (b.sha256.empty() ? "-" : b.sha256) << "\n";
    out << "last " << s.last_boot << "\n";
    storage_.write_atomic(record_file, out.str());
}

BootStatus FileBootControl::status() const { return record_->s; }

std::string FileBootControl::other() const { return record_->s.booted == "a" ? "b" : "a"; }

void FileBootControl::boot() {
    auto& s = record_->s;
    ++s.boots;
    if (!s.trial_slot.empty() && s.tries_left > 0) {
        // Each start on the trial slot spends a try.
        --s.tries_left;
        s.booted = s.trial_slot;
        s.last_boot = "trial of slot " + s.booted + " (" + std::to_string(s.tries_left) + " more before falling back)";
    } else if (!s.trial_slot.empty()) {
        const std::string failed = s.trial_slot;
        s.trial_slot.clear();
        s.booted = s.confirmed;
        s.last_boot = "fell back to slot " + s.confirmed + ": slot " + failed + " was not confirmed";
    } else {
        s.booted = s.confirmed;
        s.last_boot = "confirmed slot " + s.booted;
    }
    save();
}

void FileBootControl::begin_write() {
    if (!record_->s.trial_slot.empty()) throw std::runtime_error("a trial boot is pending or not confirmed yet: no update until it is");
    // The record forgets the slot before its file goes: a power cut in between leaves an empty slot
    // the record does not claim, never a claimed slot without its image.
    for (auto& b : record_->s.slots)
        if (b.name == other()) b = BootSlot{b.name, std::nullopt, 0, ""};
    save();
    storage_.remove(slot_file(other()));
    writing_ = std::make_unique<Writing>();
    storage_.write_atomic(slot_file(other()), "");
}

void FileBootControl::write(std::span<const std::uint8_t> data) {
    if (!writing_) throw std::logic_error("BootControl::write without begin_write");
    writing_->pending.append(reinterpret_cast<const char*>(data.data()), data.size());
    writing_->size += data.size();
    if (writing_->pending.size() >= 256 * 1024) {
        storage_.append(slot_file(other()), writing_->pending);
        writing_->pending.clear();
    }
}

void FileBootControl::finish(const std::string& version, const std::string& sha256) {
    if (!writing_) throw std::logic_error("BootControl::finish without begin_write");
    if (!writing_->pending.empty()) storage_.append(slot_file(other()), writing_->pending);
    for (auto& b : record_->s.slots)
        if (b.name == other()) b = BootSlot{b.name, version, writing_->size, sha256};
    writing_.reset();
    save();
}

void FileBootControl::abandon() {
    writing_.reset();
    for (auto& b : record_->s.slots)
        if (b.name == other()) b = BootSlot{b.name, std::nullopt, 0, ""};
    save();
    storage_.remove(slot_file(other()));
}

void FileBootControl::boot_trial(int tries) {
    auto& s = record_->s;
    const auto& target = s.slot(other());
    if (!target.version) throw std::runtime_error("slot " + other() + " holds no firmware to boot");
    s.trial_slot = other();
    s.tries_left = tries;
    save();
}

void FileBootControl::confirm() {
    auto& s = record_->s;
    if (!s.trial()) return;
    s.trial_slot.clear();
    s.tries_left = 0;
    s.confirmed = s.booted;
    s.last_boot = "slot " + s.booted + " confirmed";
    save();
}

}  // namespace hal
