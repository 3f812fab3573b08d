#include "scenario_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace harness {

namespace {

std::string xml_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

std::string num(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

std::vector<AccuracyRow> rows_of(const std::vector<ScenarioResult>& results) {
    std::vector<AccuracyRow> rows;
    for (const auto& r : results) rows.insert(rows.end(), r.accuracy.begin(), r.accuracy.end());
    return rows;
}

std::string pf_label(const AccuracyRow& r) {
    if (r.pf > 0.999) return "PF 1";
    return "PF " + num(r.pf, 2) + (r.lead ? " C" : " L");
}

}  // namespace

std::string junit_xml(const std::vector<ScenarioResult>& results) {
    std::map<std::string, std::vector<const ScenarioResult*>> suites;
    for (const auto& r : results) {
        const auto first = r.id.find('.');
        const auto second = r.id.find('.', first + 1);
        suites[r.id.substr(0, second)].push_back(&r);
    }
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
    for (const auto& [name, list] : suites) {
        int failures = 0, skipped = 0;
        double time = 0;
        // rtu-pty runs do real device I/O: their simulated time follows the wall clock, so the
        // suite's time leaves them out and each says so; everything else is the same on every run.
        auto on_pty = [](const ScenarioResult* r) { return r->id.ends_with("[rtu-pty]"); };
        for (const auto* r : list) {
            failures += !r->passed && !r->skipped;
            skipped += r->skipped;
            if (!on_pty(r)) time += r->simulated_seconds;
        }
        x << "  <testsuite name=\"" << xml_escape(name) << "\" tests=\"" << list.size() << "\" failures=\"" << failures
          << "\" skipped=\"" << skipped << "\" time=\"" << num(time, 3) << "\">\n";
        for (const auto* r : list) {
            // time is simulated seconds: the report is the same byte for byte on every run.
            x << "    <testcase classname=\"" << xml_escape(name) << "\" name=\"" << xml_escape(r->id) << "\" file=\""
              << xml_escape(r->file) << "\" time=\"" << num(r->simulated_seconds, 3) << "\">\n";
            x << "      <properties><property name=\"seed\" value=\"" << r->seed << "\"/>";
            if (on_pty(r))
                x << "<property name=\"time\" value=\"wall-clock dependent: real device I/O on a pty, not in the suite's time\"/>";
            x << "</properties>\n";
            if (r->skipped) x << "      <skipped message=\"" << xml_escape(r->failure) << "\"/>\n";
            else if (!r->passed) x << "      <failure message=\"" << xml_escape(r->failure) << "\"/>\n";
            x << "    </testcase>\n";
        }
        x << "  </testsuite>\n";
    }
    x << "</testsuites>\n";
    return x.str();
}

std::string accuracy_csv(const std::vector<ScenarioResult>& results) {
    std::ostringstream c;
    c << "scenario,quantity,channel,current_pct_of_rated,pf,nature,truth,measured,error_pct,limit_pct,class,result\n";
    for (const auto& r : rows_of(results))
        c << r.scenario << "," << r.quantity << "," << r.channel << "," << num(r.percent_of_rated, 3) << "," << num(r.pf, 3) << ","
          << (r.pf > 0.999 ? "R" : r.lead ? "C" : "L") << "," << num(r.truth, 6) << "," << num(r.measured, 6) << ","
          << num(r.error_pct, 5) << "," << num(r.limit_pct, 3) << "," << r.accuracy_class << ","
          << (std::abs(r.error_pct) <= r.limit_pct ? "pass" : "FAIL") << "\n";
    return c.str();
}

std::string accuracy_markdown(const std::vector<ScenarioResult>& results) {
    std::ostringstream m;
    m << "# Accuracy record\n\nTruth is the waveform generator's analytic value; measured is read over Modbus TCP from the\n"
      << "module. Error = (measured - truth) / truth.\n\n"
      << "| scenario | quantity | channel | I (% of rated) | PF | truth | measured | error % | limit % | class | result |\n"
      << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows_of(results))
        m << "| " << r.scenario << " | " << r.quantity << " | " << r.channel << " | " << num(r.percent_of_rated, 1) << " | "
          << pf_label(r) << " | " << num(r.truth, 5) << " | " << num(r.measured, 5) << " | " << num(r.error_pct, 4) << " | "
          << num(r.limit_pct, 2) << " | " << r.accuracy_class << " | " << (std::abs(r.error_pct) <= r.limit_pct ? "pass" : "**FAIL**")
          << " |\n";
    return m.str();
}

std::string accuracy_svg(const std::vector<ScenarioResult>& results) {
    // Error of P against current (log scale, 1-200 % of rated), one series per power factor,
    // with the class limits as dashed lines.
    std::map<std::string, std::vector<AccuracyRow>> series;
    double limit = 0;
    for (const auto& r : rows_of(results))
        if (r.quantity == "P") {
            series[pf_label(r)].push_back(r);
            limit = std::max(limit, r.limit_pct);
        }
    const double w = 640, h = 400, left = 70, right = 150, top = 30, bottom = 50;
    const double ymax = std::max(0.05, limit * 1.2);
    auto xpos = [&](double pct) { return left + (std::log10(std::clamp(pct, 1.0, 200.0)) / std::log10(200.0)) * (w - left - right); };
    auto ypos = [&](double err) { return top + (1 - (std::clamp(err, -ymax, ymax) + ymax) / (2 * ymax)) * (h - top - bottom); };
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << left << "\" y=\"18\">Active power error against current</text>\n"
      << "<line x1=\"" << left << "\" y1=\"" << ypos(0) << "\" x2=\"" << w - right << "\" y2=\"" << ypos(0) << "\" stroke=\"#888\"/>\n"
      << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << h - bottom << "\" stroke=\"black\"/>\n";
    for (double pct : {1.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0})
        s << "<text x=\"" << xpos(pct) - 8 << "\" y=\"" << h - bottom + 18 << "\">" << num(pct, 0) << "</text>\n";
    s << "<text x=\"" << (w - right) / 2 << "\" y=\"" << h - 10 << "\">current, % of rated (log)</text>\n";
    for (double e : {-ymax, -ymax / 2, 0.0, ymax / 2, ymax})
        s << "<text x=\"8\" y=\"" << ypos(e) + 4 << "\">" << num(e, 3) << " %</text>\n";
    if (limit > 0)
        for (double e : {-limit, limit})
            s << "<line x1=\"" << left << "\" y1=\"" << ypos(e) << "\" x2=\"" << w - right << "\" y2=\"" << ypos(e)
              << "\" stroke=\"red\" stroke-dasharray=\"6,4\"/>\n";
    const char* const colours[] = {"#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e"};
    int i = 0;
    for (auto& [label, pts] : series) {
        std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.percent_of_rated < b.percent_of_rated; });
        const char* colour = colours[i % 5];
        s << "<polyline fill=\"none\" stroke=\"" << colour << "\" points=\"";
        for (const auto& p : pts) s << num(xpos(p.percent_of_rated), 1) << "," << num(ypos(p.error_pct), 1) << " ";
        s << "\"/>\n";
        for (const auto& p : pts)
            s << "<circle cx=\"" << num(xpos(p.percent_of_rated), 1) << "\" cy=\"" << num(ypos(p.error_pct), 1) << "\" r=\"3\" fill=\"" << colour << "\"/>\n";
        s << "<text x=\"" << w - right + 10 << "\" y=\"" << top + 20 + 18 * i << "\" fill=\"" << colour << "\">" << xml_escape(label) << "</text>\n";
        ++i;
    }
    s << "<text x=\"" << w - right + 10 << "\" y=\"" << top + 20 + 18 * i << "\" fill=\"red\">class limit</text>\n</svg>\n";
    return s.str();
}

}  // namespace harness
