// dispatch N: virtual and interface calls, sealed hierarchies, an expression
// interpreter, lambdas and closures, function references, sequences
// (coroutines), value classes, generics with type tests.

interface Shape {
    fun area(): Double
    fun perimeter(): Double
    fun name(): String = this::class.simpleName ?: "?"
    fun describe(): String = "${name()}(area=${fixed(area(), 3)}, perimeter=${fixed(perimeter(), 3)})"
}

abstract class Polygon(val sides: Int) : Shape {
    abstract fun side(i: Int): Double
    override fun perimeter(): Double {
        var p = 0.0
        for (i in 0 until sides) p += side(i)
        return p
    }
}

open class Rect(val w: Double, val h: Double) : Polygon(4) {
    override fun side(i: Int) = if (i % 2 == 0) w else h
    override fun area() = w * h
}

class Square(s: Double) : Rect(s, s) {
    override fun name() = "Square"
    override fun describe() = "[" + super.describe() + "]"
}

class Triangle(val a: Double, val b: Double, val c: Double) : Polygon(3) {
    override fun side(i: Int) = when (i) { 0 -> a; 1 -> b; else -> c }
    override fun area(): Double {
        val s = perimeter() / 2
        return kotlin.math.sqrt(s * (s - a) * (s - b) * (s - c))
    }
}

class Circle(val r: Double) : Shape {
    override fun area() = kotlin.math.PI * r * r
    override fun perimeter() = 2 * kotlin.math.PI * r
}

object Dot : Shape {
    override fun area() = 0.0
    override fun perimeter() = 0.0
}

sealed interface Expr {
    data class Num(val v: Long) : Expr
    data class Var(val name: String) : Expr
    data class Add(val l: Expr, val r: Expr) : Expr
    data class Mul(val l: Expr, val r: Expr) : Expr
    data class Neg(val e: Expr) : Expr
    data class Let(val name: String, val value: Expr, val body: Expr) : Expr
}

fun Expr.eval(env: Map<String, Long>): Long = when (this) {
    is Expr.Num -> v
    is Expr.Var -> env[name] ?: error("unbound $name")
    is Expr.Add -> l.eval(env) + r.eval(env)
    is Expr.Mul -> l.eval(env) * r.eval(env)
    is Expr.Neg -> -e.eval(env)
    is Expr.Let -> body.eval(env + (name to value.eval(env)))
}

fun Expr.simplify(): Expr = when (this) {
    is Expr.Add -> {
        val a = l.simplify()
        val b = r.simplify()
        when {
            a is Expr.Num && b is Expr.Num -> Expr.Num(a.v + b.v)
            a == Expr.Num(0) -> b
            b == Expr.Num(0) -> a
            else -> Expr.Add(a, b)
        }
    }
    is Expr.Mul -> {
        val a = l.simplify()
        val b = r.simplify()
        when {
            a is Expr.Num && b is Expr.Num -> Expr.Num(a.v * b.v)
            a == Expr.Num(0) || b == Expr.Num(0) -> Expr.Num(0)
            a == Expr.Num(1) -> b
            b == Expr.Num(1) -> a
            else -> Expr.Mul(a, b)
        }
    }
    is Expr.Neg -> when (val x = e.simplify()) {
        is Expr.Num -> Expr.Num(-x.v)
        is Expr.Neg -> x.e
        else -> Expr.Neg(x)
    }
    is Expr.Let -> Expr.Let(name, value.simplify(), body.simplify())
    else -> this
}

fun Expr.show(): String = when (this) {
    is Expr.Num -> v.toString()
    is Expr.Var -> name
    is Expr.Add -> "(${l.show()} + ${r.show()})"
    is Expr.Mul -> "${l.show()} * ${r.show()}"
    is Expr.Neg -> "-${e.show()}"
    is Expr.Let -> "let $name = ${value.show()} in ${body.show()}"
}

fun randomExpr(rng: Rng, depth: Int, vars: List<String>): Expr =
    if (depth == 0 || rng.nextInt(5) == 0) {
        if (vars.isNotEmpty() && rng.nextBool()) Expr.Var(vars[rng.nextInt(vars.size)]) else Expr.Num(rng.nextInt(5).toLong())
    } else when (rng.nextInt(5)) {
        0 -> Expr.Add(randomExpr(rng, depth - 1, vars), randomExpr(rng, depth - 1, vars))
        1 -> Expr.Mul(randomExpr(rng, depth - 1, vars), randomExpr(rng, depth - 1, vars))
        2 -> Expr.Neg(randomExpr(rng, depth - 1, vars))
        3 -> {
            val v = "v${vars.size}"
            Expr.Let(v, randomExpr(rng, depth - 1, vars), randomExpr(rng, depth - 1, vars + v))
        }
        else -> Expr.Add(Expr.Num(0), randomExpr(rng, depth - 1, vars))
    }

fun interface Op {
    fun apply(x: Long): Long
}

value class Meters(val v: Double) {
    operator fun plus(o: Meters) = Meters(v + o.v)
}

interface Visitor<R> {
    fun visitNum(n: Long): R
    fun visitOther(e: Expr): R
}

class Box<out T>(val value: T)

fun describeAny(x: Any?): String = when (x) {
    null -> "null"
    is Int -> "Int $x"
    is Long -> "Long $x"
    is String -> "String '$x'"
    is Meters -> "Meters ${x.v}"
    is Box<*> -> "Box(${describeAny(x.value)})"
    is Shape -> "Shape ${x.name()}"
    is List<*> -> "List of ${x.size}"
    is Function1<*, *> -> "function"
    else -> "other"
}

fun makeCounter(): () -> Int {
    var count = 0
    return { ++count }
}

fun compose(vararg fs: (Long) -> Long): (Long) -> Long = { x -> fs.fold(x) { acc, f -> f(acc) } }

fun fib(): Sequence<Long> = sequence {
    var a = 0L
    var b = 1L
    while (true) {
        yield(a)
        val t = a + b
        a = b
        b = t
    }
}

fun dispatch(n: Int) {
    val rng = Rng(5)
    val shapes: List<Shape> = List(64) { i ->
        when (i % 5) {
            0 -> Rect(1.0 + i, 2.0 + i % 3)
            1 -> Square(0.5 * i)
            2 -> Triangle(3.0 + i % 4, 4.0 + i % 4, 5.0 + i % 4)
            3 -> Circle(0.25 * i)
            else -> Dot
        }
    }
    var area = 0.0
    var perimeter = 0.0
    for (i in 0 until n) {
        val s = shapes[(i * 7) and 63]
        area += s.area()
        perimeter += s.perimeter()
    }
    line("shapes area", fixed(area, 4), "perimeter", fixed(perimeter, 4))
    shapes.take(5).forEach { line("  ", it.describe()) }
    line("by kind", shapes.groupBy { it.name() }.mapValues { it.value.size }.toList().sortedBy { it.first })

    val ck = Checksum()
    var nodes = 0
    for (i in 0 until n / 200) {
        val e = randomExpr(rng, 8, listOf("x", "y"))
        val s = e.simplify()
        val env = mapOf("x" to i.toLong(), "y" to -3L)
        val v = e.eval(env)
        check(v == s.eval(env)) { "simplify changed ${e.show()}" }
        ck.add(v).add(s.show())
        nodes += s.show().length
        if (i < 3) line("  expr", s.show().take(100), "=", v)
    }
    line("exprs", n / 200, "sum", ck, "chars", nodes)

    // Lambdas, closures, references.
    val ops = listOf<(Long) -> Long>({ it + 3 }, { it * 2 }, { it xor 0x55 }, Long::inc, ::square, { -it })
    val composed = compose(*ops.toTypedArray())
    var acc = 1L
    for (i in 0 until n) acc = composed(acc) % 1_000_003
    val counter = makeCounter()
    repeat(n % 1000 + 10) { counter() }
    val adders = List(10) { k -> Op { x -> x + k } }
    val funOps = adders.fold(0L) { a, op -> op.apply(a) }
    val bound: (String) -> StringBuilder = StringBuilder()::append
    repeat(3) { bound("x$it") }
    line("composed", acc, "counter", counter(), "fun interface", funOps, "bound", bound("!"))

    val curried: (Int) -> (Int) -> (Int) -> Int = { a -> { b -> { c -> a * 100 + b * 10 + c } } }
    line("curried", curried(1)(2)(3), (1..5).map(curried(9)(8)))

    val fibs = fib().takeWhile { it < 1_000_000_000_000L }.toList()
    val evens = fib().filter { it % 2 == 0L }.map { it.toString() }.take(10).joinToString(",")
    line("fib", fibs.size, fibs.last(), "even", evens)
    val gen = generateSequence(1L) { if (it < n) it * 3 else null }.toList()
    line("generate", gen)

    var meters = Meters(0.0)
    val boxed = ArrayList<Meters>()
    for (i in 0 until 1000) {
        meters += Meters(i * 0.5)
        if (i % 100 == 0) boxed.add(meters)
    }
    line("meters", meters.v, boxed.sumOf { it.v }, boxed.count { it.v > 1000.0 }, boxed.first() == Meters(0.0))

    val things: List<Any?> = listOf(1, 2L, "s", Meters(1.5), Box(Box(3)), Dot, null, listOf(1, 2), { x: Int -> x }, 'c')
    line("type tests", things.map(::describeAny))
    val visitor = object : Visitor<String> {
        override fun visitNum(n: Long) = "num$n"
        override fun visitOther(e: Expr) = e::class.simpleName!!
    }
    line("visitor", listOf(Expr.Num(4), Expr.Var("q"), Expr.Neg(Expr.Num(1))).map {
        if (it is Expr.Num) visitor.visitNum(it.v) else visitor.visitOther(it)
    })

    // Megamorphic call site in a hot loop.
    val handlers = Array<Op>(8) { k ->
        when (k % 4) {
            0 -> Op { it + k }
            1 -> object : Op { override fun apply(x: Long) = x * 3 % 1_000_000_007 }
            2 -> Op(::square)
            else -> Op { it shr 1 }
        }
    }
    var h = 7L
    for (i in 0 until n * 5) h = handlers[i and 7].apply(h) % 1_000_000_007
    line("megamorphic", h)
}

fun square(x: Long): Long = x * x % 1_000_000_007
