// kite.wasm (src/platform/wasi/compat.h): wasi-libc has no setjmp. kite
// jumps only out of a guard-page fault handler, and kite.wasm installs none,
// so sigsetjmp returns 0 and nothing ever jumps.
#pragma once
#include <stdlib.h>
typedef int jmp_buf[1];
typedef int sigjmp_buf[1];
#define setjmp(env) 0
#define sigsetjmp(env, savesigs) 0
[[noreturn]] static inline void longjmp(jmp_buf, int) { abort(); }
[[noreturn]] static inline void siglongjmp(sigjmp_buf, int) { abort(); }
