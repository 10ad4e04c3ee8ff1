// A CoreMark-style mixed integer workload (not CoreMark itself): linked-list
// search and reversal, small matrix arithmetic, a state machine scanning
// text, and CRC-16 over the results, as CoreMark mixes them.
#include "bench.h"

// ---- linked list ----
struct node {
  struct node* next;
  int16_t key, value;
};
#define LIST_LEN 200
static struct node nodes[LIST_LEN];

static struct node* list_reverse(struct node* head) {
  struct node* prev = 0;
  while (head) {
    struct node* next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}
static struct node* list_find(struct node* list, int16_t key) {
  while (list && list->key != key)
    list = list->next;
  return list;
}

// ---- matrix ----
#define M 16
static int16_t ma[M * M], mb[M * M];
static int32_t mc[M * M];

static int16_t matrix_sum(int32_t* c, int16_t clipval) {
  int32_t tmp = 0, prev = 0;
  int16_t ret = 0;
  for (int i = 0; i < M * M; i++) {
    int32_t cur = c[i];
    tmp += cur;
    if (tmp > clipval) {
      ret += 10;
      tmp = 0;
    } else {
      ret += cur > prev ? 1 : 0;
    }
    prev = cur;
  }
  return ret;
}
static int16_t matrix_work(int16_t val) {
  for (int i = 0; i < M * M; i++)
    mc[i] = ma[i] * val;
  int16_t crc = matrix_sum(mc, 1000);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < M; j++) {
      int32_t s = 0;
      for (int k = 0; k < M; k++)
        s += (int32_t)ma[i * M + k] * mb[k * M + j];
      mc[i * M + j] = s;
    }
  crc += matrix_sum(mc, 2000);
  for (int i = 0; i < M * M; i++)
    mc[i] = (ma[i] * mb[i]) >> 3;
  return crc + matrix_sum(mc, 500);
}

// ---- state machine: classify comma-separated tokens ----
enum state { START, INT, FLOAT, EXPONENT, SCI, INVALID };
static char text[512];
static uint32_t state_counts[6];

static void scan(void) {
  const char* p = text;
  while (*p) {
    enum state s = START;
    for (; *p && *p != ','; p++) {
      char c = *p;
      int digit = c >= '0' && c <= '9';
      switch (s) {
      case START: s = digit ? INT : (c == '.' ? FLOAT : INVALID); break;
      case INT: s = digit ? INT : (c == '.' ? FLOAT : (c == 'e' ? EXPONENT : INVALID)); break;
      case FLOAT: s = digit ? FLOAT : (c == 'e' ? EXPONENT : INVALID); break;
      case EXPONENT: s = digit || c == '-' ? SCI : INVALID; break;
      case SCI: s = digit ? SCI : INVALID; break;
      case INVALID: break;
      }
    }
    state_counts[s]++;
    if (*p) p++;
  }
}

// ---- CRC-16 ----
static uint16_t crc16(uint16_t crc, uint32_t v) {
  for (int i = 0; i < 32; i++) {
    uint32_t bit = (v ^ crc) & 1;
    v >>= 1;
    crc >>= 1;
    if (bit) crc ^= 0xA001;
  }
  return crc;
}

EXPORT {
  for (int i = 0; i < LIST_LEN; i++) {
    nodes[i].next = i + 1 < LIST_LEN ? &nodes[i + 1] : 0;
    nodes[i].key = (int16_t)i;
    nodes[i].value = (int16_t)rng();
  }
  for (int i = 0; i < M * M; i++) {
    ma[i] = (int16_t)(rng() % 64) - 32;
    mb[i] = (int16_t)(rng() % 64) - 32;
  }
  static const char* const tokens[] = {"123", "4.5", "6e-7", "x9", ".25", "1e10", "77", "3.x"};
  char* t = text;
  for (int i = 0; i < 60; i++) {
    for (const char* s = tokens[rng() % 8]; *s; s++)
      *t++ = *s;
    *t++ = ',';
  }
  *t = 0;

  struct node* list = nodes;
  uint16_t crc = 0;
  for (int iter = 0; iter < 20000; iter++) {
    for (int16_t k = 0; k < 40; k++) {
      struct node* n = list_find(list, (int16_t)((k * 7 + iter) % (LIST_LEN + 20)));
      crc = crc16(crc, n ? (uint32_t)n->value : 0xFFFFu);
    }
    list = list_reverse(list);
    crc = crc16(crc, (uint32_t)matrix_work((int16_t)(iter & 0xFF)));
    scan();
    crc = crc16(crc, state_counts[iter % 6]);
  }
  return crc;
}
