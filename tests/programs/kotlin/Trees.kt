// trees DEPTH N: allocation-heavy structures. Binary trees (the benchmarks
// game's), a persistent AVL map whose old versions stay alive and are checked
// after many later updates, cons lists of boxed values, a cyclic ring.

class TreeNode(val left: TreeNode?, val right: TreeNode?)

fun bottomUp(depth: Int): TreeNode =
    if (depth > 0) TreeNode(bottomUp(depth - 1), bottomUp(depth - 1)) else TreeNode(null, null)

fun TreeNode.count(): Int = 1 + (left?.count() ?: 0) + (right?.count() ?: 0)

fun binaryTrees(maxDepth: Int) {
    val minDepth = 4
    val stretch = maxDepth + 1
    line("stretch tree of depth", stretch, "\t check:", bottomUp(stretch).count())
    val longLived = bottomUp(maxDepth)
    var d = minDepth
    while (d <= maxDepth) {
        val iterations = 1 shl (maxDepth - d + minDepth)
        var check = 0
        for (i in 1..iterations) check += bottomUp(d).count()
        line(iterations, "\t trees of depth", d, "\t check:", check)
        d += 2
    }
    line("long lived tree of depth", maxDepth, "\t check:", longLived.count())
}

// A persistent (path-copying) AVL tree.
class Avl(val key: Int, val value: String, val left: Avl?, val right: Avl?) {
    val height: Int = 1 + maxOf(left.h, right.h)
    val size: Int = 1 + left.n + right.n
}

val Avl?.h get() = this?.height ?: 0
val Avl?.n get() = this?.size ?: 0

fun balance(key: Int, value: String, l: Avl?, r: Avl?): Avl {
    val lh = l.h
    val rh = r.h
    if (lh > rh + 1) {
        l!!
        return if (l.left.h >= l.right.h) Avl(l.key, l.value, l.left, Avl(key, value, l.right, r))
        else {
            val lr = l.right!!
            Avl(lr.key, lr.value, Avl(l.key, l.value, l.left, lr.left), Avl(key, value, lr.right, r))
        }
    }
    if (rh > lh + 1) {
        r!!
        return if (r.right.h >= r.left.h) Avl(r.key, r.value, Avl(key, value, l, r.left), r.right)
        else {
            val rl = r.left!!
            Avl(rl.key, rl.value, Avl(key, value, l, rl.left), Avl(r.key, r.value, rl.right, r.right))
        }
    }
    return Avl(key, value, l, r)
}

fun Avl?.insert(key: Int, value: String): Avl = when {
    this == null -> Avl(key, value, null, null)
    key < this.key -> balance(this.key, this.value, left.insert(key, value), right)
    key > this.key -> balance(this.key, this.value, left, right.insert(key, value))
    else -> Avl(key, value, left, right)
}

fun Avl.removeMin(): Pair<Avl, Avl?> {
    val l = left ?: return Pair(this, right)
    val (min, rest) = l.removeMin()
    return Pair(min, balance(key, value, rest, right))
}

fun Avl?.remove(key: Int): Avl? = when {
    this == null -> null
    key < this.key -> balance(this.key, this.value, left.remove(key), right)
    key > this.key -> balance(this.key, this.value, left, right.remove(key))
    right == null -> left
    left == null -> right
    else -> {
        val (min, rest) = right.removeMin()
        balance(min.key, min.value, left, rest)
    }
}

fun Avl?.get(key: Int): String? {
    var t = this
    while (t != null) t = if (key < t.key) t.left else if (key > t.key) t.right else return t.value
    return null
}

/** Checks order and balance; returns the checksum of the in-order walk. */
fun Avl?.verify(sum: Checksum, lo: Long = Long.MIN_VALUE, hi: Long = Long.MAX_VALUE): Int {
    if (this == null) return 0
    check(key > lo && key < hi) { "AVL order broken at $key" }
    val lh = left.verify(sum, lo, key.toLong())
    sum.add(key).add(value)
    val rh = right.verify(sum, key.toLong(), hi)
    check(kotlin.math.abs(lh - rh) <= 1 && height == 1 + maxOf(lh, rh)) { "AVL balance broken at $key" }
    check(size == 1 + left.n + right.n)
    return height
}

fun persistentMap(n: Int) {
    val rng = Rng(42)
    var map: Avl? = null
    val snapshots = ArrayList<Pair<Int, Avl?>>()
    val keys = IntArray(n) { rng.nextInt(n * 4) }
    for (i in 0 until n) {
        map = map.insert(keys[i], "v${keys[i]}-$i")
        if (i % (n / 8 + 1) == 0) snapshots.add(Pair(i, map))
    }
    line("avl after", n, "inserts: size", map.n, "height", map.h)
    var found = 0
    for (i in 0 until n) if (map.get(rng.nextInt(n * 4)) != null) found++
    line("avl random lookups found", found, "of", n)
    for (i in 0 until n step 2) {
        map = map.remove(keys[i])
        if (i % (n / 4 + 2) == 0) snapshots.add(Pair(-i, map))
    }
    line("avl after removals: size", map.n, "height", map.h)
    for ((tag, snap) in snapshots) {
        val sum = Checksum()
        val height = snap.verify(sum)
        line("  snapshot", tag, "size", snap.n, "height", height, "sum", sum)
    }
}

/** A cons list: every cell a heap object, values boxed (generic). */
class Cons<out T>(val head: T, val tail: Cons<T>?)

fun <T, R> Cons<T>?.map(f: (T) -> R): Cons<R>? {
    var acc: Cons<R>? = null
    var c = this
    while (c != null) {
        acc = Cons(f(c.head), acc)
        c = c.tail
    }
    return acc.reversed()
}

fun <T> Cons<T>?.reversed(): Cons<T>? {
    var acc: Cons<T>? = null
    var c = this
    while (c != null) {
        acc = Cons(c.head, acc)
        c = c.tail
    }
    return acc
}

fun <T> Cons<T>?.filter(p: (T) -> Boolean): Cons<T>? {
    var acc: Cons<T>? = null
    var c = this
    while (c != null) {
        if (p(c.head)) acc = Cons(c.head, acc)
        c = c.tail
    }
    return acc.reversed()
}

fun <T, A> Cons<T>?.fold(init: A, f: (A, T) -> A): A {
    var acc = init
    var c = this
    while (c != null) {
        acc = f(acc, c.head)
        c = c.tail
    }
    return acc
}

fun consLists(n: Int) {
    var list: Cons<Int>? = null
    for (i in n downTo 1) list = Cons(i, list)
    var total = 0L
    repeat(10) { round ->
        val mapped = list.map { it.toLong() * (round + 1) }
        val even = mapped.filter { it % 2 == 0L }
        val strs = even.map { "#$it" }
        total += even.fold(0L) { a, x -> a + x } + strs.fold(0) { a, s -> a + s.length }
    }
    line("cons lists of", n, "total", total, "length", list.fold(0) { a, _ -> a + 1 })
}

class RingNode(val id: Int) {
    var next: RingNode = this
    var prev: RingNode = this
    var payload: IntArray = IntArray(id % 7) { it * id }
}

fun cyclicRing(n: Int) {
    val head = RingNode(0)
    var tail = head
    for (i in 1 until n) {
        val node = RingNode(i)
        node.prev = tail
        node.next = head
        tail.next = node
        head.prev = node
        tail = node
    }
    // Unlink every third node; the unlinked ones still point into the ring.
    var c = head.next
    var removed = 0
    while (c !== head) {
        val next = c.next
        if (c.id % 3 == 0) {
            c.prev.next = c.next
            c.next.prev = c.prev
            removed++
        }
        c = next
    }
    val sum = Checksum()
    var forward = 0
    c = head
    do {
        sum.add(c.id).add(c.payload.sum())
        forward++
        c = c.next
    } while (c !== head)
    var backward = 0
    c = head
    do {
        backward++
        c = c.prev
    } while (c !== head)
    line("ring of", n, "removed", removed, "forward", forward, "backward", backward, "sum", sum)
}

fun trees(depth: Int, n: Int) {
    binaryTrees(depth)
    persistentMap(n)
    consLists(n)
    cyclicRing(n)
}
