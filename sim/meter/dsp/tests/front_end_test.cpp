// The CT + ADC front end: secondary scaling and full scale per CT type, 24-bit quantisation,
// ratio and phase errors, clipping above full scale, refused settings.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "test_support.hpp"

using namespace metering_test;

TEST_CASE("front_end.ct_types.codes_and_full_scale") {
    for (std::uint16_t code : {120, 333, 80, 100, 200}) CHECK(ct_type_code(ct_type_from_code(code)) == code);
    CHECK_THROWS_WITH(ct_type_from_code(150), "CT type 150 is out of range: 80, 100, 120, 200, 333");
    auto fe_config = front_end(CtType::mv333, 100);
    fe_config.ct_type[1] = CtType::rct;
    fe_config.ct_type[2] = CtType::ma80;
    fe_config.ct_type[3] = CtType::ma100;
    fe_config.ct_type[4] = CtType::ma200;
    fe_config.ct_primary[4] = 5000;
    const FrontEnd fe(fe_config);
    // Peak full scale = 4 × rated secondary RMS, i.e. 4 × the rated primary.
    CHECK(fe.secondary_full_scale(3) == Approx(1.332));
    CHECK(fe.secondary_full_scale(4) == Approx(1.332));
    CHECK(fe.secondary_full_scale(5) == Approx(0.320));
    CHECK(fe.secondary_full_scale(6) == Approx(0.400));
    CHECK(fe.secondary_full_scale(7) == Approx(0.800));
    CHECK(fe.full_scale(3) == Approx(400));
    CHECK(fe.full_scale(7) == Approx(20000));
    CHECK(fe.full_scale(0) == Approx(2 * std::sqrt(2.0) * 230));
    // One CT type for every input, as the board's register sets it.
    FrontEndConfig all;
    all.ct_type = CtType::ma80;
    CHECK(all.ct_type[17] == CtType::ma80);
}

TEST_CASE("front_end.digitise.quantisation_and_gain") {
    auto cfg = front_end(CtType::ma80, 200);
    cfg.ratio_error_pct[1] = 1.0;
    const FrontEnd fe(cfg);
    const double lsb = fe.full_scale(3) / FrontEnd::max_code;  // 800 A / (2^23 − 1)
    CHECK(lsb == Approx(800.0 / 8388607));
    std::vector<double> x{0.0, 1e-6, 123.456789, -799.9999, 0.5 * lsb + 1e-12};
    const auto in = x;
    CHECK_FALSE(fe.digitise(3, x));
    for (std::size_t i = 0; i < x.size(); ++i) {
        CHECK(std::abs(x[i] - in[i]) <= 0.5 * lsb);
        CHECK(std::abs(x[i] / lsb - std::round(x[i] / lsb)) < 1e-6);  // lands on a code
    }
    std::vector<double> y{100.0};
    fe.digitise(4, y);  // input 2: +1 % ratio error
    CHECK(std::abs(y[0] - 101.0) <= 0.5 * lsb);
    std::vector<double> over{900.0, -1000.0};
    CHECK(fe.digitise(3, over));
    CHECK(over[0] == Approx(800.0));
    CHECK(over[1] == Approx(-800.0));
}

TEST_CASE("front_end.phase_error.transfer_and_skew") {
    auto cfg = front_end(CtType::mv333, 100);
    cfg.phase_error_min[0] = 30;  // secondary leads by 30'
    cfg.ratio_error_pct[0] = -0.5;
    const FrontEnd fe(cfg);
    const double delta = 0.5 * std::numbers::pi / 180;
    Phasors x{};
    x[0] = 2.0;
    x[1] = 10.0;
    x[7] = std::polar(1.0, 0.3);
    const auto y = fe.transfer(3, x);
    CHECK(y[0].real() == Approx(2.0 * 0.995));
    CHECK(std::abs(y[1]) == Approx(9.95));
    CHECK(std::arg(y[1]) == Approx(delta));
    CHECK(std::arg(y[7]) == Approx(0.3 + 7 * delta));
    // The same displacement as a sampling time shift at 50 Hz.
    CHECK(fe.skew(50.0)[3] == Approx(delta / (2 * std::numbers::pi * 50)));
    CHECK(fe.skew(50.0)[4] == 0.0);
}

TEST_CASE("front_end.clipping.above_full_scale") {
    // 500 A RMS on a 100 A CT: the 707 A peak clips at 400 A. Truth of the clipped sine:
    // RMS² = (2/π)·[A²(θc/2 − sin 2θc/4) + (π/2 − θc)·c²], fundamental b1 = (2A/π)(θc + sin θc cos θc).
    const double a = 500 * std::sqrt(2.0), c = 400, th = std::asin(c / a), pi = std::numbers::pi;
    const double rms = std::sqrt(2 / pi * (a * a * (th / 2 - std::sin(2 * th) / 4) + (pi / 2 - th) * c * c));
    const double b1 = 2 * a / pi * (th + std::sin(th) * std::cos(th));
    for (CtType type : {CtType::mv333, CtType::ma200}) {
        WaveformGenerator g(1);
        g.set_frequency(50.0, t0);
        g.set_voltage(0, {230, 0, 0, 0, {}});
        g.set_current(0, {500, 0, 0, 0, {}});
        g.set_current(1, {200, 0, 0, 0, {{5, 20, 0}, {7, 10, 0}}});  // Imax with harmonics: no clipping
        MeasurementEngine e(g, {});
        e.set_front_end(front_end(type, 100));
        const auto w = settled(e);
        CHECK(w.current[0].clipped);
        CHECK(w.current[0].peak == Approx(400.0).epsilon(1e-6));
        CHECK(rel(w.current[0].rms, rms) <= 0.001);  // sampling a clipped (not band-limited) wave
        CHECK(rel(w.element[0].p, 230 * b1 / std::sqrt(2.0)) <= 0.001);
        CHECK_FALSE(w.current[1].clipped);
        CHECK(rel(w.current[1].rms, g.truth(4).rms) <= 0.0002);
        CHECK_FALSE(w.voltage[0].clipped);
        // Analytic fidelity does not model the clipped waveform, but flags it and clamps the peak.
        e.set_fidelity(Fidelity::analytic);
        const auto wa = e.measure(w.end);
        CHECK(wa.current[0].clipped);
        CHECK(wa.current[0].peak == Approx(400.0));
        CHECK_FALSE(wa.current[1].clipped);
    }
}

TEST_CASE("front_end.settings.validation") {
    auto bad = front_end(CtType::mv333, 100);
    bad.ct_primary[2] = 60000;
    CHECK_THROWS_WITH(FrontEnd(bad), "current input 3 CT primary 60000 is out of range: 5-50000 A");
    bad = front_end(CtType::mv333, 100);
    bad.ct_primary[0] = 4;
    CHECK_THROWS_WITH(FrontEnd(bad), "current input 1 CT primary 4 is out of range: 5-50000 A");
    CHECK_THROWS_WITH(FrontEnd(front_end(CtType::mv333, 100, 450)), "rated voltage 450 is out of range: 10-400 V");
    bad = front_end(CtType::mv333, 100);
    bad.ratio_error_pct[17] = 12;
    CHECK_THROWS_WITH(FrontEnd(bad), "current input 18 CT ratio error 12 is out of range: -10 to 10 %");
    bad = front_end(CtType::mv333, 100);
    bad.phase_error_min[5] = -200;
    CHECK_THROWS_WITH(FrontEnd(bad), "current input 6 CT phase error -200 is out of range: -180 to 180 minutes");
    WaveformGenerator g(1);
    MeasurementEngine e(g, {});
    CHECK_THROWS_WITH(e.set_front_end(bad), Catch::Contains("CT phase error"));
    CHECK(e.front_end().config().phase_error_min[5] == 0.0);  // refused: the previous front end stays
}
