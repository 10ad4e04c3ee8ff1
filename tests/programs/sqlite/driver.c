// Runs a SQL script against a database file and prints every result row.
//
//   driver DATABASE SCRIPT
//
// The script is executed statement by statement (sqlite3_prepare_v2 with the
// tail pointer), so each statement's rows are printed as they come:
// columns separated by '|', NULL as "NULL", floats with %.17g so that any
// difference in floating-point formatting shows. A statement that fails
// prints "error: <message>" and the script continues, so expected errors
// (constraint violations) are part of the compared output. Comments of the
// form "-- echo TEXT" between statements are printed as "== TEXT".
//
// The same source is compiled natively and for wasm32-wasi; the two outputs
// must be identical.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char* buf = malloc(cap);
  size_t n;
  while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len - 1 == 0) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  fclose(f);
  buf[len] = 0;
  return buf;
}

static void print_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
  case SQLITE_NULL: fputs("NULL", stdout); break;
  case SQLITE_INTEGER: printf("%lld", (long long)sqlite3_column_int64(stmt, i)); break;
  case SQLITE_FLOAT: printf("%.17g", sqlite3_column_double(stmt, i)); break;
  case SQLITE_BLOB: {
    const unsigned char* p = sqlite3_column_blob(stmt, i);
    int n = sqlite3_column_bytes(stmt, i);
    fputs("x'", stdout);
    for (int k = 0; k < n; k++)
      printf("%02x", p[k]);
    fputs("'", stdout);
    break;
  }
  default: fputs((const char*)sqlite3_column_text(stmt, i), stdout);
  }
}

// Skips whitespace and comments before the next statement, printing
// "-- echo TEXT" comments as "== TEXT".
static const char* skip_to_statement(const char* p) {
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (p[0] == '-' && p[1] == '-') {
      const char* eol = strchr(p, '\n');
      if (!eol) eol = p + strlen(p);
      if (strncmp(p, "-- echo ", 8) == 0 && p + 8 <= eol)
        printf("== %.*s\n", (int)(eol - p - 8), p + 8);
      p = eol;
    } else if (p[0] == '/' && p[1] == '*') {
      const char* end = strstr(p + 2, "*/");
      p = end ? end + 2 : p + strlen(p);
    } else {
      return p;
    }
  }
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DATABASE SCRIPT\n", argv[0]);
    return 2;
  }
  char* script = read_file(argv[2]);
  if (!script) return 1;
  sqlite3* db;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
    fprintf(stderr, "cannot open %s: %s\n", argv[1], sqlite3_errmsg(db));
    return 1;
  }
  printf("sqlite %s\n", sqlite3_libversion());
  const char* sql = script;
  int failures = 0;
  while (*sql) {
    sql = skip_to_statement(sql);
    if (!*sql) break;
    sqlite3_stmt* stmt = NULL;
    const char* tail = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, &tail);
    if (rc != SQLITE_OK) {
      printf("error: %s\n", sqlite3_errmsg(db));
      failures++;
      // Continue after the next ';' (a syntax error has no tail).
      const char* semi = strchr(sql, ';');
      sql = semi ? semi + 1 : sql + strlen(sql);
      continue;
    }
    if (!stmt) { // a lone ';'
      sql = tail;
      continue;
    }
    int cols = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int i = 0; i < cols; i++) {
        if (i) putchar('|');
        print_value(stmt, i);
      }
      putchar('\n');
    }
    if (rc != SQLITE_DONE) {
      printf("error: %s\n", sqlite3_errmsg(db));
      failures++;
    }
    sqlite3_finalize(stmt);
    sql = tail;
  }
  printf("changes %d, errors %d\n", sqlite3_total_changes(db), failures);
  if (sqlite3_close(db) != SQLITE_OK) {
    fprintf(stderr, "close failed: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  free(script);
  return 0;
}
