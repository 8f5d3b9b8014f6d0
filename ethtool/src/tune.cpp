// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/tune.hpp"

#include <fmt/format.h>

#include "tune_steps.hpp"
#include "xdpkit/ethtool/ntuple.hpp"

namespace xdpkit::ethtool {
namespace {

using json = nlohmann::json;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

std::string tune_message(const std::string& step, const std::string& reason, std::size_t changes,
                         std::size_t rolled_back, const std::vector<std::string>& failures) {
  std::string m = "step '" + step + "' failed: " + reason;
  if (step.rfind("revert", 0) == 0) return m;
  if (changes == 0) return m + "; nothing was changed";
  if (failures.empty()) return m + fmt::format("; rolled back {} change(s)", rolled_back);
  return m + fmt::format("; rolled back {} of {} change(s); rollback incomplete: {} — run `xdpkit revert` again",
                         rolled_back, changes, join(failures));
}

// Changes in journal lines [from, end): an inserted ntuple rule has a second
// line (its location), which is no change of its own.
std::size_t count_changes(const journal& log, std::size_t from) {
  std::size_t n = 0;
  for (std::size_t i = from; i < log.size(); ++i) n += log.entries()[i].value("step", "") != "ntuple-loc";
  return n;
}

// The location of a rule inserted before a crash cut its "ntuple-loc" line:
// the rule whose text (location aside) is the journaled one.
std::optional<std::uint32_t> find_rule(const device& dev, const std::string& text) {
  const auto rules = get_rules(dev);
  if (!rules) return std::nullopt;
  for (const auto& r : *rules) {
    flow_rule anywhere = r;
    anywhere.fs.location = RX_CLS_LOC_ANY;
    if (format_rule(anywhere) == text || format_rule(r) == text) return r.fs.location;
  }
  return std::nullopt;
}

// Applies one step (its journal line is already written).
void apply(const tune_context& ctx, const detail::step& s, journal& log) {
  if (s.kind == "ntuple-delete") {
    delete_rule(ctx.dev, s.old.at("loc").get<std::uint32_t>()).value();
    return;
  }
  if (s.kind != "ntuple") {
    detail::write_step(ctx, s.kind, s.next);
    return;
  }
  const flow_rule rule = parse_rule(s.next.at("rule").get<std::string>());
  const std::uint32_t loc = insert_rule(ctx.dev, rule).value();
  // The location is known only now; revert deletes exactly this rule.
  log.append(json{{"step", "ntuple-loc"}, {"label", s.label}, {"loc", loc}});
}

// Whether a journal line older than the last one, and not older than `keep`,
// is of this kind.
bool older_step(const journal& log, std::size_t keep, const std::string& kind) {
  for (std::size_t i = keep; i + 1 < log.size(); ++i)
    if (log.entries()[i].value("step", "") == kind) return true;
  return false;
}

}  // namespace

tune_error::tune_error(std::string step, std::string reason, std::size_t changes, std::size_t rolled_back,
                       std::vector<std::string> rollback_failures)
    : std::runtime_error(tune_message(step, reason, changes, rolled_back, rollback_failures)),
      step_(std::move(step)),
      reason_(std::move(reason)),
      changes_(changes),
      rolled_back_(rolled_back),
      rollback_failures_(std::move(rollback_failures)) {}

std::vector<step_report> plan_tune(const tune_context& ctx, const tune_request& req) {
  std::vector<step_report> out;
  // The real tune plans each phase after the earlier ones changed the device;
  // a dry run changes nothing, so what comes after a channel change is planned
  // from today's queues (RPS and XPS per queue, IRQs, the RSS table) and is
  // marked as such rather than shown as what the tune will do.
  std::string after_channels;
  for (const auto& ph : detail::phases(req)) {
    std::vector<detail::step> steps;
    try {
      steps = ph.plan(ctx);
    } catch (const std::exception& e) {
      throw tune_error(ph.name, e.what(), 0, 0, {});
    }
    for (const auto& s : steps) {
      std::string what = s.note.empty() ? detail::describe(s.old, s.next) : s.note;
      if (!after_channels.empty())
        what += " (from today's queues: after " + after_channels + ", the tune plans this step again)";
      out.push_back({s.label, what, s.old != s.next});
      if (s.kind == "channels" && s.old != s.next) after_channels = "channels " + detail::describe(s.old, s.next);
    }
  }
  return out;
}

std::vector<step_report> tune(const tune_context& ctx, const tune_request& req, journal& log) {
  const std::size_t start = log.size();
  std::vector<step_report> done;

  auto fail = [&](const std::string& step, const std::string& reason) {
    std::vector<std::string> failures;
    const std::size_t changes = count_changes(log, start);
    try {
      revert(ctx, log, start);
    } catch (const std::exception& e) {
      failures.push_back(e.what());
    }
    // revert() drops each line once undone: what is left was not
    const std::size_t rolled_back = changes - count_changes(log, start);
    if (log.size() == 0 && failures.empty()) log.remove();
    throw tune_error(step, reason, changes, rolled_back, failures);
  };

  for (const auto& ph : detail::phases(req)) {
    std::vector<detail::step> steps;
    try {
      steps = ph.plan(ctx);
    } catch (const std::exception& e) {
      fail(ph.name, e.what());
    }
    for (const auto& s : steps) {
      const std::string what = s.note.empty() ? detail::describe(s.old, s.next) : s.note;
      if (s.old == s.next) {
        done.push_back({s.label, what, false});
        continue;
      }
      try {
        log.append(json{{"step", s.kind}, {"label", s.label}, {"old", s.old}, {"new", s.next}});
      } catch (const std::exception& e) {
        fail(s.label, e.what());
      }
      try {
        apply(ctx, s, log);
      } catch (const std::exception& e) {
        // A refused write usually changed nothing; then its line goes without
        // an undo that the driver would refuse again.
        bool changed = true;
        try {
          changed = s.read(ctx) != s.old;
        } catch (const std::exception&) {
        }
        if (!changed && log.size() > start) log.truncate(log.size() - 1);
        fail(s.label, e.what());
      }
      done.push_back({s.label, what, true});
    }
  }
  if (log.size() == 0) log.remove();  // nothing changed: leave no file behind
  return done;
}

std::vector<step_report> revert(const tune_context& ctx, journal& log, std::size_t keep) {
  std::vector<step_report> done;
  std::optional<std::uint32_t> inserted_at;
  std::optional<json> deferred_rss;
  while (log.size() > keep) {
    const json e = log.entries().back();
    const std::string kind = e.value("step", "");
    const std::string label = e.value("label", kind);
    try {
      if (kind == "ntuple-loc") {
        inserted_at = e.at("loc").get<std::uint32_t>();
        log.truncate(log.size() - 1);
        continue;
      }
      if (kind == "ntuple") {
        const auto text = e.at("new").at("rule").get<std::string>();
        const auto loc = inserted_at ? inserted_at : find_rule(ctx.dev, text);
        if (loc) {
          const auto r = delete_rule(ctx.dev, *loc);
          if (!r && r.refused().err != ENOENT) r.refused().raise();  // already gone is fine
        }
        inserted_at.reset();
        done.push_back({label, loc ? fmt::format("deleted rule at location {}", *loc) : "was never inserted", true});
      } else if (kind == "ntuple-delete") {
        const auto loc = e.at("old").at("loc").get<std::uint32_t>();
        const auto text = e.at("old").at("rule").get<std::string>();
        // A crash between the journal line and the delete leaves the rule in
        // place; inserting it again would fail or duplicate it.
        const auto now = get_rule(ctx.dev, loc);
        if (now && format_rule(*now) == text) {
          done.push_back({label, fmt::format("rule at location {} was never deleted", loc), true});
        } else {
          const auto at = insert_rule(ctx.dev, parse_rule(text)).value();
          done.push_back({label, fmt::format("re-inserted rule at location {}", at), true});
        }
      } else if (kind == "rss" && !deferred_rss) {
        // An RSS table names queues: restoring one that needs more queues than
        // are up fails (EINVAL) until an older channels step puts them back.
        // Tune changes channels first, so revert meets the table first: try
        // it now, and if the driver refuses, once more after everything else.
        // The default spread ("table": []) is a spread over the queues there
        // are when it is written: with an older channels step to undo, it
        // waits for that too, or it would spread over today's count.
        if (e.at("old").at("table").empty() && older_step(log, keep, "channels")) {
          deferred_rss = e;
        } else {
          try {
            detail::write_step(ctx, kind, e.at("old"));
            done.push_back({label, "restored: " + detail::describe(e.at("new"), e.at("old")), true});
          } catch (const os_error& refused) {
            if (refused.code().value() != EINVAL) throw;
            deferred_rss = e;
          }
        }
      } else if (kind == "channels") {
        // Fewer queues than a configured RSS table names: the kernel refuses
        // (EINVAL). Drivers such as igb spread even a configured table over a
        // raised queue count themselves (found by the rig), so the table that
        // now names the extra queues is the driver's, not one to keep: reset it
        // to the default spread, which the driver redoes for the restored count,
        // and try once more. A journaled table of our own is restored after.
        std::string how = "restored: ";
        try {
          detail::write_step(ctx, kind, e.at("old"));
        } catch (const os_error& refused) {
          if (refused.code().value() != EINVAL || !detail::release_rss_for_channels(ctx, e.at("old"))) throw;
          detail::write_step(ctx, kind, e.at("old"));
          how = "restored (the RSS table named queues above the restored count: reset to the default spread first): ";
        }
        done.push_back({label, how + detail::describe(e.at("new"), e.at("old")), true});
      } else {
        detail::write_step(ctx, kind, e.at("old"));
        done.push_back({label, "restored: " + detail::describe(e.at("new"), e.at("old")), true});
      }
    } catch (const nlohmann::json::exception& ex) {
      // A step whose fields are not what xdpkit writes: say where it is.
      throw tune_error("revert " + label,
                       log.path().string() + ":" + std::to_string(log.line_of(log.size() - 1)) +
                           ": the journal line is not a step xdpkit can replay (" + ex.what() + ")",
                       0, 0, {});
    } catch (const std::exception& ex) {
      throw tune_error("revert " + label, ex.what(), 0, 0, {});
    }
    log.truncate(log.size() - 1);
  }
  if (deferred_rss) {
    // Crash window: the entry left the journal above; a crash before this
    // write leaves the table as tune set it (probe shows it), never worse.
    const std::string label = deferred_rss->value("label", "rss");
    try {
      detail::write_step(ctx, "rss", deferred_rss->at("old"));
    } catch (const std::exception& ex) {
      throw tune_error("revert " + label, ex.what(), 0, 0, {});
    }
    done.push_back({label, "restored after the channels: " + detail::describe(deferred_rss->at("new"), deferred_rss->at("old")),
                    true});
  }
  if (log.size() == 0) log.remove();
  return done;
}

}  // namespace xdpkit::ethtool
