// collections N: data classes in lists, maps and sets; sorting (stable, by
// several keys, of primitives and strings), grouping, windows, destructuring.

data class Employee(
    val id: Int,
    val name: String,
    val dept: String,
    val salary: Int,
    val age: Int,
    val rating: Double,
    val tags: List<String>,
)

data class Point(val x: Int, val y: Int) {
    operator fun plus(o: Point) = Point(x + o.x, y + o.y)
}

private val depts = listOf("eng", "ops", "sales", "legal", "research", "support")
private val syllables = listOf("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba")
private val tagPool = listOf("remote", "lead", "new", "oncall", "mentor", "parttime")

fun makeEmployees(n: Int, rng: Rng): List<Employee> = List(n) { id ->
    val name = buildString {
        repeat(2 + rng.nextInt(3)) { append(syllables[rng.nextInt(syllables.size)]) }
    }.replaceFirstChar { it.uppercase() }
    Employee(
        id, name, depts[rng.nextInt(depts.size)], 30_000 + rng.nextInt(1_000) * 100, 20 + rng.nextInt(45),
        rng.nextInt(50) / 10.0, List(rng.nextInt(3)) { tagPool[rng.nextInt(tagPool.size)] }.distinct(),
    )
}

fun collections(n: Int) {
    val rng = Rng(7)
    val staff = makeEmployees(n, rng)

    val sorted = staff.sortedWith(compareBy<Employee>({ it.dept }, { -it.salary }, { it.name }, { it.id }))
    line("sorted by dept, salary desc, name:")
    sorted.take(5).forEach { line("  ", it) }
    sorted.takeLast(3).forEach { line("  ", it) }

    // Stability: sort by name, then (stable) by age; equal ages keep name order.
    val byAge = staff.sortedBy { it.name }.sortedBy { it.age }
    var stable = true
    for (i in 1 until byAge.size) {
        val a = byAge[i - 1]
        val b = byAge[i]
        if (a.age > b.age || (a.age == b.age && a.name > b.name)) stable = false
    }
    line("stable sort:", stable, "youngest", byAge.first().name, "oldest", byAge.last().name)

    val byDept = staff.groupBy { it.dept }
    for ((dept, people) in byDept.toList().sortedBy { it.first }) {
        val avg = people.sumOf { it.salary.toLong() }.toDouble() / people.size
        val top = people.maxWith(compareBy<Employee>({ it.rating }, { -it.id }))
        line("  dept", dept.padEnd(8), "count", people.size.toString().padStart(5), "avg", fixed(avg, 2),
            "best", top.name, top.rating)
    }

    val tagCounts = HashMap<String, Int>()
    for (e in staff) for (t in e.tags) tagCounts[t] = (tagCounts[t] ?: 0) + 1
    line("tags:", tagCounts.entries.sortedBy { it.key }.joinToString { "${it.key}=${it.value}" })

    // Data-class equality and hashing: copies are equal, sets deduplicate.
    val set = HashSet<Employee>()
    for (e in staff) {
        set.add(e)
        set.add(e.copy())
    }
    val raised = staff.map { if (it.id % 10 == 0) it.copy(salary = it.salary + 1) else it.copy() }
    line("set size", set.size, "equal after copy", staff.count { it in set },
        "changed", raised.indices.count { raised[it] != staff[it] })

    val byId = staff.associateBy { it.id }
    val nameIndex = staff.groupingBy { it.name }.eachCount().filter { it.value > 3 }
    line("byId", byId.size, "names seen >3 times", nameIndex.size,
        "most common", nameIndex.entries.maxWith(compareBy({ it.value }, { it.key }))?.let { "${it.key}x${it.value}" })

    val (young, old) = staff.partition { it.age < 40 }
    line("young", young.size, "old", old.size)

    val points = HashMap<Point, MutableList<Int>>()
    for (i in 0 until n) points.getOrPut(Point(rng.nextInt(50), rng.nextInt(50))) { ArrayList() }.add(i)
    val crowded = points.entries.sortedWith(compareBy({ -it.value.size }, { it.key.x }, { it.key.y })).take(3)
    line("points", points.size, "crowded", crowded.joinToString { "${it.key}:${it.value.size}" },
        "sum", points.keys.fold(Point(0, 0)) { a, p -> a + p })

    val ints = IntArray(n * 5) { rng.nextInt(1_000_000) - 500_000 }
    ints.sort()
    val longs = LongArray(n) { rng.nextLong() }.apply { sortDescending() }
    val doubles = DoubleArray(n) { rng.nextDouble() * 1000 - 500 }.sorted()
    val strings = staff.map { it.name + it.id % 97 }.toTypedArray().apply { sort() }
    val ck = Checksum()
    ints.forEach { ck.add(it) }
    longs.forEach { ck.add(it) }
    doubles.forEach { ck.add(it) }
    strings.forEach { ck.add(it) }
    line("sorted arrays: ints", ints.first(), ints.last(), "longs", longs.first(), longs.last(),
        "doubles", doubles.first(), doubles.last(), "strings", strings.first(), strings.last(), "sum", ck)
    line("binary search", ints.asList().binarySearch(ints[n]).let { ints[it] == ints[n] }, strings.asList().binarySearch("Zz"))

    val windows = staff.asSequence().map { it.salary }.windowed(5, 3).map { it.average() }.take(4).toList()
    line("windows", windows.joinToString { fixed(it, 1) })
    line("chunked", staff.chunked(n / 7 + 1).map { c -> c.sumOf { it.age } }.joinToString(","))
    line("zip", staff.zip(staff.drop(1)).count { (a, b) -> a.dept == b.dept })
    line("flatMap", staff.flatMap { it.tags }.distinct().sorted())

    val deque = ArrayDeque<Employee>()
    var rotations = 0L
    for (e in staff) {
        if (e.age % 2 == 0) deque.addFirst(e) else deque.addLast(e)
        if (deque.size > 100) rotations += deque.removeFirst().id - deque.removeLast().id
    }
    line("deque", deque.size, "rotations", rotations)

    val linked = LinkedHashMap<String, Employee>()
    for (e in staff) linked[e.dept + e.age] = e
    line("linked first keys", linked.keys.take(6), "size", linked.size)

    val mutable = staff.toMutableList()
    mutable.removeAll { it.rating < 1.0 }
    mutable.sortWith(compareByDescending<Employee> { it.rating }.thenBy { it.id })
    mutable.shuffle(kotlin.random.Random(3))
    mutable.sortBy { it.id }
    line("mutable", mutable.size, mutable.take(3).map { it.id }, "sum", mutable.sumOf { it.id.toLong() })
}
