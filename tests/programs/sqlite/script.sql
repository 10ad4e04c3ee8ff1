-- The SQLite program test: run by driver.c natively and under kite against a
-- database file in a preopened directory; the outputs must be identical.
-- Deterministic only: no random(), no current time.

-- echo schema
PRAGMA journal_mode = DELETE;
PRAGMA foreign_keys = ON;
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  city TEXT,
  credit REAL DEFAULT 100.0
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  amount REAL NOT NULL CHECK (amount > 0),
  day INTEGER NOT NULL,
  note BLOB
);
CREATE INDEX orders_by_customer ON orders(customer_id, day);
CREATE TABLE numbers (n INTEGER PRIMARY KEY, square INTEGER, root REAL, word TEXT);

-- echo inserts
INSERT INTO customers (name, city, credit) VALUES
  ('ada', 'London', 250.5), ('grace', 'Arlington', 1e3), ('edsger', 'Nuenen', NULL),
  ('barbara', 'Boston', 42), ('ken', NULL, 0.1);
INSERT INTO orders (customer_id, amount, day, note) VALUES
  (1, 19.99, 1, x'00ff10'), (1, 5.25, 3, NULL), (2, 100, 2, x''), (2, 0.5, 2, 'text'),
  (4, 77.7, 5, NULL), (4, 1.125, 6, x'deadbeef');

-- echo generated rows (recursive CTE, 50000 rows in one transaction)
BEGIN;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 50000)
INSERT INTO numbers SELECT n, n * n, sqrt(n),
  CASE n % 5 WHEN 0 THEN 'zero' WHEN 1 THEN 'one' WHEN 2 THEN 'two' WHEN 3 THEN 'three' ELSE 'four' END
FROM seq;
COMMIT;
CREATE INDEX numbers_by_word ON numbers(word, n);
SELECT count(*), sum(square), printf('%.6f', sum(root)), min(word), max(word) FROM numbers;
SELECT word, count(*), sum(n) FROM numbers WHERE n % 7 = 3 GROUP BY word ORDER BY word;
SELECT n, root FROM numbers WHERE n IN (2, 3, 10, 49999) ORDER BY n;

-- echo joins and aggregates
SELECT c.name, count(o.id), total(o.amount), group_concat(o.day, ',')
FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id ORDER BY c.name;
SELECT c.name, o.amount, hex(o.note), typeof(o.note)
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.amount > 1 ORDER BY o.amount DESC;
SELECT city, coalesce(credit, -1) FROM customers WHERE city IS NOT NULL ORDER BY credit;

-- echo window functions and CTEs
SELECT customer_id, day, amount,
  sum(amount) OVER (PARTITION BY customer_id ORDER BY day ROWS UNBOUNDED PRECEDING),
  rank() OVER (ORDER BY amount DESC)
FROM orders ORDER BY customer_id, day, id;
WITH RECURSIVE fib(i, a, b) AS (SELECT 0, 0, 1 UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 90)
SELECT i, a FROM fib WHERE i % 15 = 0;

-- echo strings, numbers, json
SELECT upper('kite'), length('héllo'), substr('webassembly', 4, 8), replace('a-b-c', '-', '+'),
  instr('interpreter', 'pre'), trim('  x  '), 'it''s' || ' ok';
SELECT 7 / 2, 7 % 3, 7.0 / 2, -7 / 2, 1e308 * 10, abs(-9223372036854775807), round(2.5), round(-2.675, 2);
SELECT 0.1 + 0.2, 1.0 / 3, 123456789.123456789, 2.0e-300 * 1e-10, cast('12abc' AS INTEGER), cast(3.99 AS INTEGER);
SELECT json_object('name', name, 'credit', credit) FROM customers ORDER BY id;
SELECT json_extract('{"a":[1,2,{"b":"c"}]}', '$.a[2].b'), json_array_length('[1,2,3,4]');
SELECT key, value FROM json_each('{"x":1,"y":[true,false],"z":null}');

-- echo constraints and rollback
INSERT INTO customers (name) VALUES ('ada');
INSERT INTO orders (customer_id, amount, day) VALUES (99, 1, 1);
INSERT INTO orders (customer_id, amount, day) VALUES (1, -5, 1);
BEGIN;
DELETE FROM orders;
UPDATE customers SET credit = 0;
SELECT count(*) FROM orders;
ROLLBACK;
SELECT count(*), sum(credit) FROM orders, customers WHERE orders.customer_id = customers.id;
SAVEPOINT sp1;
INSERT INTO customers (name, city) VALUES ('linus', 'Helsinki');
RELEASE sp1;
SAVEPOINT sp2;
DELETE FROM customers WHERE name = 'linus';
ROLLBACK TO sp2;
RELEASE sp2;
SELECT id, name, city FROM customers ORDER BY id;

-- echo update with index use
UPDATE numbers SET word = upper(word) WHERE n BETWEEN 100 AND 110;
SELECT n, word FROM numbers WHERE word = 'THREE' ORDER BY n;
EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer_id = 1 AND day > 1;
DELETE FROM numbers WHERE n > 25000;
SELECT count(*), max(n) FROM numbers;

-- echo sorting a big result
SELECT sum(x) FROM (SELECT square % 1000 AS x FROM numbers ORDER BY word DESC, root LIMIT 5000);

-- echo schema and integrity
SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name;
PRAGMA integrity_check;
VACUUM;
PRAGMA page_count;
