// exceptions N: exceptions thrown and caught in loops, through recursion,
// lambdas and finally blocks; the standard library's own exceptions; causes;
// Result. Counts and messages must match exactly.

sealed class AppException(message: String, cause: Throwable? = null) : Exception(message, cause)
class NotFound(val key: Int) : AppException("key $key not found")
class Invalid(val field: String, val payload: IntArray) : AppException("invalid $field (${payload.size} values)")
class Wrapped(message: String, cause: Throwable) : AppException(message, cause)
class Fatal(val code: Int) : Error("fatal $code")

class Counters {
    var notFound = 0
    var invalid = 0
    var wrapped = 0
    var fatal = 0
    var stdlib = 0
    var finallies = 0
    var returned = 0L
    override fun toString() =
        "notFound=$notFound invalid=$invalid wrapped=$wrapped fatal=$fatal stdlib=$stdlib finally=$finallies returned=$returned"
}

fun descend(depth: Int, i: Int, c: Counters): Long {
    try {
        if (depth == 0) {
            when (i % 11) {
                0 -> throw NotFound(i)
                1 -> throw Invalid("f$i", IntArray(i % 50) { it })
                2 -> throw Fatal(i)
                3 -> return listOf(1, 2, 3)[i % 5].toLong() // IndexOutOfBoundsException for 3, 4
                4 -> return (100 / (i % 3)).toLong() // ArithmeticException when i % 3 == 0
                5 -> return ("" + i).substring(0, 1).toLong() + "nope$i".toInt() // NumberFormatException
                6 -> { val s: Any = if (i % 2 == 0) "str" else i; return (s as Int).toLong() } // ClassCastException
                7 -> { val m = mapOf(1 to "one"); return m[i % 2]!!.length.toLong() } // NullPointerException
                8 -> { require(i % 4 != 0) { "require $i" }; return i.toLong() }
                9 -> return emptyList<Int>().first().toLong() // NoSuchElementException
                else -> return i.toLong()
            }
        }
        return descend(depth - 1, i, c) + 1
    } finally {
        c.finallies++
    }
}

fun rethrowing(i: Int, c: Counters): Long = try {
    descend(i % 23, i, c)
} catch (e: NotFound) {
    if (e.key % 3 == 0) throw e
    if (e.key % 2 == 0) throw Wrapped("lookup ${e.key}", e) else -1
}

fun <T> attempt(block: () -> T): Result<T> = runCatching(block) // a non-inline lambda

fun exceptionLoop(n: Int) {
    val c = Counters()
    val messages = Checksum()
    val firstMessages = LinkedHashMap<String, String>()
    for (i in 0 until n) {
        try {
            c.returned += rethrowing(i, c)
        } catch (e: Wrapped) {
            c.wrapped++
            val cause = e.cause as NotFound
            check(cause.key == i)
            messages.add(e.message!!).add(cause.message!!)
        } catch (e: NotFound) {
            c.notFound++
        } catch (e: Invalid) {
            c.invalid++
            messages.add(e.payload.sum())
        } catch (e: AppException) {
            error("unexpected $e")
        } catch (e: Exception) {
            c.stdlib++
            val name = e::class.simpleName ?: "?"
            messages.add(name)
            firstMessages.getOrPut(name) { e.message.toString() }
        } catch (e: Fatal) {
            c.fatal++
            messages.add(e.code)
        }
    }
    line("loop:", c)
    line("loop messages", messages)
    for ((k, v) in firstMessages) line("  first", k, "->", v)
}

fun finallyOrder(): String {
    val log = StringBuilder()
    fun step(k: Int): Int {
        try {
            try {
                log.append("t$k ")
                if (k % 2 == 0) throw IllegalStateException("s$k")
                return k
            } finally {
                log.append("f$k ")
            }
        } catch (e: IllegalStateException) {
            log.append("c${e.message} ")
            return -k
        } finally {
            log.append("F$k ")
        }
    }
    var total = 0
    for (k in 1..4) total += step(k)
    // A return in finally discards the exception in flight.
    @Suppress("RETURN_IN_FINALLY")
    fun swallow(): Int {
        try {
            throw Fatal(1)
        } finally {
            return 7
        }
    }
    return "$log total=$total swallow=${swallow()}"
}

fun resultsAndLambdas(n: Int) {
    var ok = 0
    var failed = 0
    val failures = HashMap<String, Int>()
    for (i in 0 until n) {
        val r = attempt { if (i % 7 == 0) throw UnsupportedOperationException("op$i") else i * 2 }
            .mapCatching { if (it % 5 == 0) error("five $it") else it }
            .recoverCatching { e -> if (e is UnsupportedOperationException) -1 else throw Wrapped("recovered", e) }
        r.onSuccess { ok++ }.onFailure { failed++; failures[it::class.simpleName!!] = (failures[it::class.simpleName!!] ?: 0) + 1 }
    }
    line("results ok", ok, "failed", failed, failures.toList().sortedBy { it.first })
    val escaped = try {
        Result.failure<Int>(Fatal(9)).recover { throw it }
        "no"
    } catch (e: Fatal) {
        "escaped ${e.code}"
    }
    line("recover rethrows:", escaped)
    // Exceptions out of non-inline lambdas and iterators.
    val fs: List<(Int) -> Int> = listOf({ it + 1 }, { if (it > 2) throw ArithmeticException("big $it") else it }, { it / (it - 3) })
    var caught = 0
    var sum = 0
    for (x in 0 until 6) for (f in fs) {
        try {
            sum += f(x)
        } catch (e: ArithmeticException) {
            caught++
        }
    }
    line("lambdas sum", sum, "caught", caught)
    val list = mutableListOf(1, 2, 3)
    val cme = try {
        for (x in list) if (x == 2) list.add(4)
        "none"
    } catch (e: ConcurrentModificationException) {
        "ConcurrentModificationException"
    }
    line("modification during iteration:", cme)
    val seq = sequence {
        yield(1)
        yield(2)
        throw IllegalStateException("sequence ended badly")
    }
    val seen = ArrayList<Int>()
    val msg = try {
        seq.forEach { seen.add(it) }
        "no"
    } catch (e: IllegalStateException) {
        e.message
    }
    line("sequence", seen, msg)
}

fun deepUnwind(depth: Int): Int {
    fun dive(d: Int): Int = if (d == 0) throw NotFound(depth) else 1 + dive(d - 1)
    return try {
        dive(depth)
    } catch (e: NotFound) {
        e.key
    }
}

fun exceptions(n: Int) {
    exceptionLoop(n)
    line("finally:", finallyOrder())
    resultsAndLambdas(n / 4)
    line("deep unwind", (1..10).sumOf { deepUnwind(it * 100) })
    val chain = generateSequence(Wrapped("outer", Wrapped("middle", NotFound(3))) as Throwable) { it.cause }
    line("cause chain", chain.map { "${it::class.simpleName}(${it.message})" }.toList())
    try {
        check(false) { "checked" }
    } catch (e: IllegalStateException) {
        line("check:", e.message, e is RuntimeException, e is Exception)
    }
    val t: Throwable = Invalid("x", IntArray(2))
    line("toString", t.toString().substringAfterLast('.'), "cause", t.cause)
}
