// Kotlin/Wasm program tests (tests/programs/README.md, "Kotlin"):
// one WASI command whose first argument picks a workload, the second (and
// third) its size. Every workload prints deterministic output: checksums,
// counts, sorted and formatted lines, so that a wrong GC, a lost exception
// or a miscompiled call shows as a difference from Node's output.
//
//   kotlin.wasm WORKLOAD [SIZE...]
//   workloads: trees, collections, strings, exceptions, dispatch, churn, live
@file:OptIn(kotlin.wasm.unsafe.UnsafeWasmMemoryApi::class, kotlin.wasm.ExperimentalWasmInterop::class)

import kotlin.wasm.WasmImport
import kotlin.wasm.unsafe.withScopedMemoryAllocator

@WasmImport("wasi_snapshot_preview1", "args_sizes_get")
private external fun wasiArgsSizesGet(argc: Int, bufSize: Int): Int

@WasmImport("wasi_snapshot_preview1", "args_get")
private external fun wasiArgsGet(argv: Int, buf: Int): Int

@WasmImport("wasi_snapshot_preview1", "proc_exit")
private external fun wasiProcExit(code: Int)

// Kotlin/Wasm's main(args) gets no arguments under WASI: read them directly.
fun commandLine(): List<String> = withScopedMemoryAllocator { alloc ->
    val sizes = alloc.allocate(8)
    check(wasiArgsSizesGet(sizes.address.toInt(), sizes.address.toInt() + 4) == 0)
    val argc = sizes.loadInt()
    val bufSize = (sizes + 4).loadInt()
    val argv = alloc.allocate(maxOf(argc, 1) * 4)
    val buf = alloc.allocate(maxOf(bufSize, 1))
    check(wasiArgsGet(argv.address.toInt(), buf.address.toInt()) == 0)
    List(argc) { i ->
        val start = (argv + i * 4).loadInt() - buf.address.toInt()
        var end = start
        while ((buf + end).loadByte() != 0.toByte()) end++
        ByteArray(end - start) { (buf + start + it).loadByte() }.decodeToString()
    }
}

fun exitProcess(code: Int): Nothing {
    wasiProcExit(code)
    throw IllegalStateException("proc_exit returned")
}

/** xorshift64*: the same sequence on every engine (kotlin.random's default seed is not). */
class Rng(seed: Long) {
    private var s = if (seed == 0L) 0x9E3779B97F4A7C15uL.toLong() else seed
    fun nextLong(): Long {
        s = s xor (s ushr 12)
        s = s xor (s shl 25)
        s = s xor (s ushr 27)
        return s * 0x2545F4914F6CDD1DL
    }
    fun nextInt(bound: Int): Int = ((nextLong() ushr 33) % bound).toInt()
    fun nextDouble(): Double = (nextLong() ushr 11).toDouble() / (1L shl 53).toDouble()
    fun nextBool(): Boolean = nextLong() < 0
}

/** FNV-1a over 64 bits. */
class Checksum {
    var h = -0x340d631b7bdddcdbL
        private set
    fun add(x: Long): Checksum {
        var v = x
        repeat(8) {
            h = (h xor (v and 0xff)) * 0x100000001b3L
            v = v ushr 8
        }
        return this
    }
    fun add(x: Int): Checksum = add(x.toLong())
    fun add(s: String): Checksum {
        for (c in s) h = (h xor c.code.toLong()) * 0x100000001b3L
        return add(s.length)
    }
    fun add(d: Double): Checksum = add(d.toRawBits())
    fun hex(): String = h.toULong().toString(16).padStart(16, '0')
    override fun toString(): String = hex()
}

fun line(vararg parts: Any?) = println(parts.joinToString(" "))

fun fixed(x: Double, decimals: Int): String {
    // String.format does not exist on Kotlin/Wasm; round half away from zero.
    var scale = 1L
    repeat(decimals) { scale *= 10 }
    val neg = x < 0
    val scaled = kotlin.math.round(kotlin.math.abs(x) * scale).toLong()
    val int = scaled / scale
    val frac = (scaled % scale).toString().padStart(decimals, '0')
    return (if (neg && scaled != 0L) "-" else "") + int + if (decimals > 0) ".$frac" else ""
}

fun usage(): Nothing {
    println("usage: kotlin.wasm trees|collections|strings|exceptions|dispatch|churn|live [SIZE...]")
    exitProcess(2)
}

fun main() {
    val argv = commandLine()
    if (argv.size < 2) usage()
    val sizes = argv.drop(2).map { it.toIntOrNull() ?: usage() }
    fun size(i: Int, default: Int) = sizes.getOrNull(i) ?: default
    when (argv[1]) {
        // The defaults are the CTest sizes (run.sh); larger ones for benchmarks
        // in ../README.md.
        "trees" -> trees(size(0, 10), size(1, 10_000)) // tree depth, map and list size
        "collections" -> collections(size(0, 5_000)) // employees
        "strings" -> strings(size(0, 500)) // log lines
        "exceptions" -> exceptions(size(0, 10_000)) // loop iterations
        "dispatch" -> dispatch(size(0, 100_000)) // calls per site
        "churn" -> churn(size(0, 200), size(1, 20_000)) // MB allocated, live objects
        "live" -> live(size(0, 200_000), size(1, 20)) // live cells, rounds
        else -> usage()
    }
}
