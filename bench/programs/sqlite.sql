-- bench/run's SQLite workload (tests/programs/sqlite/driver.c runs it against
-- a fresh database file in a preopened directory). Deterministic: no random(),
-- no time. Sized for a few seconds under an interpreter.
PRAGMA journal_mode = DELETE;
CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);
-- echo insert 150000 rows
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150000)
INSERT INTO t SELECT i, (i * 7919) % 10007, printf('name-%06d', (i * 31) % 50021), (i % 1000) / 7.0 FROM n;
COMMIT;
-- echo index
CREATE INDEX t_a ON t(a);
CREATE INDEX t_b ON t(b);
-- echo aggregates
SELECT count(*), sum(a), round(avg(c), 6), min(b), max(b) FROM t;
SELECT a % 10, count(*), min(b), max(b), round(sum(c), 3) FROM t GROUP BY a % 10 ORDER BY 1;
-- echo join
SELECT count(*), sum(x.c + y.c) FROM t x JOIN t y ON x.a = y.id WHERE y.a < 2000;
-- echo update and delete
BEGIN;
UPDATE t SET c = c * 2, b = upper(b) WHERE a % 3 = 0;
DELETE FROM t WHERE a % 5 = 0;
COMMIT;
SELECT count(*), round(sum(c), 3) FROM t;
-- echo text
SELECT b, count(*) FROM t GROUP BY b ORDER BY count(*) DESC, b LIMIT 5;
SELECT count(*) FROM t WHERE b LIKE '%77%';
SELECT count(*), sum(length(replace(b, '0', ''))) FROM t WHERE substr(b, 6, 1) IN ('1', '3');
-- echo group_concat and sort
CREATE TABLE u AS SELECT a, group_concat(id, ',') AS g FROM t GROUP BY a;
SELECT count(*), sum(length(g)) FROM u;
SELECT a, substr(g, 1, 40) FROM u ORDER BY length(g) DESC, a LIMIT 3;
SELECT id, a, b FROM t ORDER BY b DESC, id LIMIT 3 OFFSET 1000;
-- echo window
SELECT a, id, sum(c) OVER (PARTITION BY a % 7 ORDER BY id ROWS 3 PRECEDING) FROM t WHERE id % 997 = 0 ORDER BY id LIMIT 5;
-- echo integrity
PRAGMA integrity_check;
