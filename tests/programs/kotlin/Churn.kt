// churn MB SLOTS: allocates about MB megabytes (estimated from object sizes)
// of short-lived objects of several kinds while SLOTS of them stay alive;
// each object can recompute its contents from its seed, and live ones are
// checked as the run goes and at the end.
//
// live COUNT ROUNDS: keeps COUNT small objects alive in bucket lists while
// each round allocates garbage, updates some in place and replaces others
// with new objects (old-to-young references); at the end every object is
// checked against an expected value kept in a LongArray.

abstract class Item(val seed: Long) {
    abstract fun verify(): Boolean
    abstract val bytes: Int
}

fun mix(seed: Long, i: Int): Long {
    var z = seed + i * -0x61c8864680b583ebL
    z = (z xor (z ushr 30)) * -0x40a7b892e31b1a47L
    z = (z xor (z ushr 27)) * -0x6b2fb644ecceee15L
    return z xor (z ushr 31)
}

class Leaf(seed: Long) : Item(seed) {
    val a = mix(seed, 1)
    val b = mix(seed, 2).toInt()
    override fun verify() = a == mix(seed, 1) && b == mix(seed, 2).toInt()
    override val bytes get() = 40
}

class Vec(seed: Long, len: Int) : Item(seed) {
    val data = IntArray(len) { mix(seed, it).toInt() }
    override fun verify() = data.indices.all { data[it] == mix(seed, it).toInt() }
    override val bytes get() = 40 + 16 + 4 * data.size
}

class Text(seed: Long, len: Int) : Item(seed) {
    val text = buildString { for (i in 0 until len) append('a' + (mix(seed, i) and 15).toInt()) }
    override fun verify() = text.indices.all { text[it] == 'a' + (mix(seed, it) and 15).toInt() }
    override val bytes get() = 40 + 40 + 2 * text.length
}

class Chain(seed: Long, len: Int) : Item(seed) {
    val list: Cons<Long>? = (0 until len).fold(null as Cons<Long>?) { acc, i -> Cons(mix(seed, i), acc) }
    override fun verify(): Boolean {
        var c = list
        var i = list.fold(0) { n, _ -> n + 1 }
        while (c != null) {
            if (c.head != mix(seed, --i)) return false
            c = c.tail
        }
        return i == 0
    }
    override val bytes get() = 40 + list.fold(0) { n, _ -> n + 56 } // a cell and a boxed Long each
}

class Branch(seed: Long, val depth: Int) : Item(seed) {
    val tree = bottomUp(depth)
    override fun verify() = tree.count() == (1 shl (depth + 1)) - 1
    override val bytes get() = 40 + ((1 shl (depth + 1)) - 1) * 32
}

fun newItem(rng: Rng): Item {
    val seed = rng.nextLong()
    return when (rng.nextInt(10)) {
        0, 1, 2 -> Leaf(seed)
        3, 4 -> Vec(seed, 1 + rng.nextInt(64))
        5, 6 -> Text(seed, rng.nextInt(48))
        7, 8 -> Chain(seed, 1 + rng.nextInt(12))
        else -> Branch(seed, rng.nextInt(6))
    }
}

fun churn(megabytes: Int, slots: Int) {
    val rng = Rng(99)
    val target = megabytes.toLong() shl 20
    val live = arrayOfNulls<Item>(slots)
    var allocated = 0L
    var created = 0L
    var checked = 0L
    var scratch = 0L
    val ck = Checksum()
    var nextReport = target / 8
    while (allocated < target) {
        val item = newItem(rng)
        created++
        allocated += item.bytes
        val slot = rng.nextInt(slots)
        live[slot] = item
        // Temporaries that die at once.
        val tmp = LongArray(8) { mix(item.seed, it) }
        scratch += tmp[(created and 7).toInt()] and 0xffff
        allocated += 80
        if (created % 512 == 0L) {
            val probe = live[rng.nextInt(slots)]
            if (probe != null) {
                check(probe.verify()) { "live object corrupted after $created allocations" }
                ck.add(probe.seed)
                checked++
            }
        }
        if (allocated >= nextReport) {
            line("  ", nextReport shr 20, "MB:", created, "objects, checked", checked, "sum", ck)
            nextReport += target / 8
        }
    }
    var liveBytes = 0L
    val kinds = IntArray(5)
    val final = Checksum()
    for (item in live) {
        if (item == null) continue
        check(item.verify()) { "live object corrupted at the end" }
        liveBytes += item.bytes
        kinds[when (item) { is Leaf -> 0; is Vec -> 1; is Text -> 2; is Chain -> 3; else -> 4 }]++
        final.add(item.seed)
    }
    line("churn:", created, "objects,", allocated shr 20, "MB allocated; live", kinds.sum(), "objects",
        liveBytes shr 10, "KB, kinds", kinds.toList(), "scratch", scratch, "sum", final)
}

class Cell(val key: Int, var value: Long, var next: Cell?) {
    var extra: Any? = null
}

fun live(count: Int, rounds: Int) {
    val perBucket = 16
    val buckets = arrayOfNulls<Cell>((count + perBucket - 1) / perBucket)
    val expected = LongArray(count) { mix(7, it) }
    for (b in buckets.indices.reversed()) {
        var head: Cell? = null
        for (k in minOf(count, (b + 1) * perBucket) - 1 downTo b * perBucket) head = Cell(k, expected[k], head)
        buckets[b] = head
    }
    line("live:", count, "cells in", buckets.size, "buckets")
    val rng = Rng(1234)
    for (r in 0 until rounds) {
        // Garbage: short lists and arrays, some briefly reachable from the live set.
        var garbage = 0L
        for (i in 0 until count / 8) {
            val g = Cons(mix(r.toLong(), i), Cons(i.toLong(), null))
            garbage += g.head and 1
            if (i % 1024 == 0) buckets[rng.nextInt(buckets.size)]!!.extra = IntArray(4) { it + i }
        }
        var replaced = 0
        var updated = 0
        for (b in buckets.indices) {
            var prev: Cell? = null
            var c = buckets[b]
            while (c != null) {
                val k = c.key
                if (k % 97 == r % 97) {
                    expected[k] = mix(expected[k], r)
                    val fresh = Cell(k, expected[k], c.next)
                    fresh.extra = c.extra
                    if (prev == null) buckets[b] = fresh else prev.next = fresh
                    replaced++
                    prev = fresh
                } else {
                    if (k % 13 == r % 13) {
                        expected[k] = expected[k] * 31 + r
                        c.value = expected[k]
                        updated++
                    }
                    prev = c
                }
                c = c.next
            }
        }
        line("  round", r, "replaced", replaced, "updated", updated, "garbage", garbage)
    }
    var seen = 0
    var extras = 0
    val ck = Checksum()
    for (b in buckets.indices) {
        var c = buckets[b]
        var k = b * perBucket
        while (c != null) {
            check(c.key == k) { "cell order broken at $k" }
            check(c.value == expected[k]) { "cell $k holds a wrong value" }
            if (c.extra != null) extras += (c.extra as IntArray).size
            ck.add(c.value)
            seen++
            k++
            c = c.next
        }
    }
    check(seen == count) { "lost cells: $seen of $count" }
    line("live verified:", seen, "cells, extras", extras, "sum", ck)
}
