#include "support/phase_timer.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace kite::phase_timer {

namespace {

using Clock = std::chrono::steady_clock;

struct Phase {
  const char* name;
  Clock::duration time;
};

// Few phases per run; later marks past the end are dropped.
constexpr int kMaxPhases = 16;
// Set once, before any guest thread exists, and never cleared: translation
// timers on every thread read it.
bool on = false;
// The summary is printed once, by whichever thread gets here first.
std::atomic<bool> printed{false};
Clock::time_point start;
Clock::time_point last;
Clock::time_point first_instruction;
Phase phases[kMaxPhases];
int count = 0;
std::atomic<unsigned long long> translations{0};
std::atomic<long long> translation_ns{0};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void print() {
  if (!on || printed.exchange(true)) return;
  mark("run");
  std::fprintf(stderr, "kite: timings (ms):");
  for (int i = 0; i < count; ++i)
    std::fprintf(stderr, " %s %.2f,", phases[i].name, ms(phases[i].time));
  if (const unsigned long long n = translations.load(std::memory_order_relaxed)) {
    std::fprintf(stderr, " translated %llu functions in %.2f,", n,
                 static_cast<double>(translation_ns.load(std::memory_order_relaxed)) / 1e6);
  }
  if (first_instruction != Clock::time_point{})
    std::fprintf(stderr, " first instruction at %.2f,", ms(first_instruction - start));
  std::fprintf(stderr, " total %.2f\n", ms(last - start));
}

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

} // namespace

void enable() {
  if (on) return;
  on = true;
  start = last = Clock::now();
  std::atexit(print);
}

void print_now() { print(); }

void mark(const char* phase) {
  if (!on) return;
  const Clock::time_point now = Clock::now();
  if (count < kMaxPhases) phases[count++] = {phase, now - last};
  last = now;
}

TranslationTimer::TranslationTimer() : start_ns_(on ? now_ns() : -1) {}

TranslationTimer::~TranslationTimer() {
  if (start_ns_ < 0) return;
  translations.fetch_add(1, std::memory_order_relaxed);
  translation_ns.fetch_add(now_ns() - start_ns_, std::memory_order_relaxed);
}

void ready(const char* phase) {
  mark(phase);
  if (on) first_instruction = last;
}

} // namespace kite::phase_timer
