// strings N: builders, splitting and joining, case mapping beyond ASCII,
// number parsing and printing, UTF-8, and regular expressions (Kotlin/Wasm's
// own engine) over a generated log of N lines.

private val words = listOf("alpha", "Beta", "gamma", "DELTA", "epsilon", "zeta", "eta", "theta",
    "Straße", "Ærø", "ÉCOLE", "σοφία", "ΣΟΦΟΣ", "mañana", "İstanbul", "naïve", "x")

fun makeLog(n: Int, rng: Rng): List<String> = List(n) { i ->
    val day = 1 + rng.nextInt(28)
    val month = 1 + rng.nextInt(12)
    val level = listOf("INFO", "WARN", "ERROR", "DEBUG")[rng.nextInt(4)]
    val user = words[rng.nextInt(words.size)].lowercase() + rng.nextInt(100)
    val host = listOf("example.org", "kite.dev", "mail.test")[rng.nextInt(3)]
    val ms = rng.nextInt(100_000)
    val msg = List(1 + rng.nextInt(6)) { words[rng.nextInt(words.size)] }.joinToString(" ")
    "2024-${month.toString().padStart(2, '0')}-${day.toString().padStart(2, '0')} $level " +
        "[req-$i] user=$user email=$user@$host took=${ms}ms msg=\"$msg\""
}

fun strings(n: Int) {
    val rng = Rng(11)
    val log = makeLog(n, rng)
    line("first:", log.first())
    line("last:", log.last())

    // Builders and basic operations.
    val sb = StringBuilder()
    for (l in log) sb.append(l.length).append(',')
    sb.setLength(sb.length - 1)
    val joined = sb.toString()
    val parts = joined.split(',')
    line("lengths", parts.size, "sum", parts.sumOf { it.toInt() }, "hash", joined.hashCode())
    val big = buildString { log.forEach { append(it.reversed()).append('\n') } }
    line("reversed text", big.length, "lines", big.lines().size, "hash", big.hashCode(),
        "words", big.split(' ', '\n', '=').count { it.isNotEmpty() })
    val edited = StringBuilder("0123456789").apply {
        insert(5, "-mid-"); reverse(); deleteRange(0, 2); set(0, '#'); append(true).append(2.5).append('c')
    }
    line("edited", edited, edited.indexOf("dim"), edited.lastIndexOf("1"))

    // Case mapping, characters, code points.
    for (w in words) {
        line("  ", w.padEnd(10, '.'), w.uppercase(), w.lowercase(), w.length, w.hashCode(),
            w.count { it.isLetter() }, w.first().isUpperCase(), w.encodeToByteArray().size)
    }
    val emoji = "a😀b𝄞c"
    line("utf16", emoji.length, "utf8", emoji.encodeToByteArray().size,
        "round trip", emoji.encodeToByteArray().decodeToString() == emoji,
        "codes", emoji.map { it.code.toString(16) })
    line("chars", "a1 _Ω\t".map { "${it.isLetterOrDigit()}${it.isWhitespace()}${it.isDigit()}" })

    // Numbers to and from strings.
    val doubles = listOf(0.1 + 0.2, 1.0 / 3, 1e21, 1e-7, 123456789.125, -0.0, Double.NaN,
        Double.POSITIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 2.5e-300, 100.0)
    line("doubles", doubles.joinToString(" "))
    line("floats", listOf(0.1f, 1f / 3, 3.4e38f, 1e-10f, 16777217f).joinToString(" "))
    line("round trips", doubles.count { it.toString().toDouble().toRawBits() == it.toRawBits() })
    line("longs", Long.MIN_VALUE, Long.MAX_VALUE, Int.MIN_VALUE, (-255).toString(16), 255.toString(2),
        "zz".toLong(36), "-7fffffff".toInt(16), 0xCAFEBABEu, ULong.MAX_VALUE)
    var parsedSum = 0L
    for (l in log) parsedSum += l.substringAfter("took=").substringBefore("ms").toLong()
    line("took sum", parsedSum, "bad ints", listOf("12", "1x", "", "-0", "+5", "99999999999").map { it.toIntOrNull() })

    // Regular expressions.
    val entry = Regex("""^(\d{4})-(\d{2})-(\d{2}) (INFO|WARN|ERROR|DEBUG) \[req-(\d+)] user=(\S+) email=([\w.]+)@([a-z.]+) took=(\d+)ms msg="([^"]*)"$""")
    val levels = HashMap<String, Int>()
    val perMonth = IntArray(13)
    var matched = 0
    val hosts = HashMap<String, Int>()
    for (l in log) {
        val m = entry.matchEntire(l) ?: continue
        matched++
        val g = m.groupValues
        levels[g[4]] = (levels[g[4]] ?: 0) + 1
        perMonth[g[2].toInt()]++
        hosts[g[8]] = (hosts[g[8]] ?: 0) + g[9].toInt()
    }
    line("regex matched", matched, "levels", levels.entries.sortedBy { it.key }.map { "${it.key}:${it.value}" },
        "months", perMonth.drop(1), "hosts", hosts.toList().sortedBy { it.first })

    val dateRe = Regex("""(\d{4})-(\d{2})-(\d{2})""")
    val swapped = log.take(50).joinToString("\n") { dateRe.replace(it, "$3/$2/$1") }
    line("swapped", swapped.lines()[3].take(30), "hash", swapped.hashCode())
    val named = Regex("""took=(?<ms>\d+)ms""")
    line("named", log.take(20).mapNotNull { named.find(it)?.groups?.get("ms")?.value?.toInt() }.sum())
    val slow = Regex("""took=\d{5}ms""")
    val errorsWithGreek = Regex("""ERROR.*[σΣ]""", RegexOption.IGNORE_CASE)
    val lookahead = Regex("""\b(\w+)(?=@kite\.dev)""")
    val repeated = Regex("""\b(\w+) \1\b""", RegexOption.IGNORE_CASE)
    line("slow", log.count { slow.containsMatchIn(it) }, "greek errors", log.count { errorsWithGreek.containsMatchIn(it) },
        "kite users", log.mapNotNull { lookahead.find(it)?.value }.distinct().size,
        "repeated words", log.count { repeated.containsMatchIn(it) })
    val all = Regex("""[A-Z]{2,}""").findAll(log.take(200).joinToString(" ")).map { it.value }.groupingBy { it }.eachCount()
    line("caps", all.entries.sortedBy { it.key }.joinToString(" ") { "${it.key}=${it.value}" })
    line("split", Regex("""\s*[,;]\s*""").split("a , b;c ;; d,e").map { "<$it>" })
    val multi = Regex("""^\d{4}-01""", RegexOption.MULTILINE)
    line("multiline january", multi.findAll(log.joinToString("\n")).count())
    val scrubbed = log.map { it.replace(Regex("""[\w.]+@[a-z.]+""")) { m -> "<" + m.value.length + ">" } }
    line("scrubbed", scrubbed[1], "hash", scrubbed.joinToString("").hashCode())
    line("escape", Regex.escape("a.b*c"), Regex.escapeReplacement("$1\\"), "a.b*c".matches(Regex(Regex.escape("a.b*c"))))

    // Templates, comparisons, trimming, padding.
    val table = log.take(5).map { it.split(' ') }.joinToString("\n") { cols ->
        "|${cols[0].padEnd(12)}|${cols[1].padStart(6)}|${cols[2].trim('[', ']').uppercase().padEnd(10, '_')}|"
    }
    println(table)
    val sortedWords = words.sortedWith(String.CASE_INSENSITIVE_ORDER.thenBy { it })
    line("sorted words", sortedWords, words.sorted().first(), words.maxOf { it })
    line("trim", "  \t x y \n".trim().length, "xxabcxx".trimStart('x'), "abc".repeat(3).chunked(4),
        "Hello".commonPrefixWith("Help"), "a-b-c".replace("-", "+-+"), "AbC".equals("aBc", ignoreCase = true))
}
