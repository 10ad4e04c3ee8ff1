// Start-up phase timings (`kite run --timings`, KITE_TIMINGS=1): the layers
// a run passes through mark the end of each phase; when enabled, the times
// between marks and the total are printed to stderr at exit. Off, a mark is
// one load and branch. Marks come from the thread that loads and starts the
// module only.
#pragma once

namespace kite::phase_timer {

// Starts timing now; the summary is printed when the process exits.
void enable();
// The time since the previous mark (or enable) is charged to `phase`, a
// string literal.
void mark(const char* phase);
// Marks `phase` and records that the guest's first instruction is next (the
// summary's "first instruction" time).
void ready(const char* phase);
// Times one lazy translation of a function (on any thread): the summary
// counts them and their time, part of the phase they ran in.
class TranslationTimer {
public:
  TranslationTimer();
  ~TranslationTimer();
  TranslationTimer(const TranslationTimer&) = delete;
  TranslationTimer& operator=(const TranslationTimer&) = delete;

private:
  long long start_ns_;
};
// Prints the summary now rather than at exit, for a process about to end
// without running its exit handlers (_Exit); it is printed once.
void print_now();

} // namespace kite::phase_timer
