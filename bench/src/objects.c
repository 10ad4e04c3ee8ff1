// Objects with virtual methods: a scene of shapes behind function-pointer
// tables, updated and queried through indirect calls (call_indirect-heavy).
#include "bench.h"

struct shape;
struct vtable {
  int32_t (*area)(const struct shape*);
  int32_t (*perimeter)(const struct shape*);
  void (*move)(struct shape*, int32_t, int32_t);
  void (*scale)(struct shape*, int32_t);
};
struct shape {
  const struct vtable* vt;
  int32_t x, y, a, b;
};

static int32_t rect_area(const struct shape* s) { return s->a * s->b; }
static int32_t rect_perimeter(const struct shape* s) { return 2 * (s->a + s->b); }
static int32_t square_area(const struct shape* s) { return s->a * s->a; }
static int32_t square_perimeter(const struct shape* s) { return 4 * s->a; }
static int32_t circle_area(const struct shape* s) { return 3 * s->a * s->a; }
static int32_t circle_perimeter(const struct shape* s) { return 6 * s->a; }
static int32_t tri_area(const struct shape* s) { return s->a * s->b / 2; }
static int32_t tri_perimeter(const struct shape* s) { return s->a + s->b + (s->a > s->b ? s->a : s->b); }
static void move_by(struct shape* s, int32_t dx, int32_t dy) {
  s->x += dx;
  s->y += dy;
}
static void move_wrapped(struct shape* s, int32_t dx, int32_t dy) {
  s->x = (s->x + dx) & 1023;
  s->y = (s->y + dy) & 1023;
}
static void scale_both(struct shape* s, int32_t k) {
  s->a = (s->a * k) % 97 + 1;
  s->b = (s->b * k) % 89 + 1;
}
static void scale_one(struct shape* s, int32_t k) { s->a = (s->a * k) % 101 + 1; }

static const struct vtable vtables[4] = {
    {rect_area, rect_perimeter, move_by, scale_both},
    {square_area, square_perimeter, move_wrapped, scale_one},
    {circle_area, circle_perimeter, move_wrapped, scale_one},
    {tri_area, tri_perimeter, move_by, scale_both},
};

#define COUNT 1000
static struct shape shapes[COUNT];

EXPORT {
  for (int i = 0; i < COUNT; i++) {
    shapes[i].vt = &vtables[rng() % 4];
    shapes[i].x = (int32_t)(rng() % 1024);
    shapes[i].y = (int32_t)(rng() % 1024);
    shapes[i].a = (int32_t)(1 + rng() % 50);
    shapes[i].b = (int32_t)(1 + rng() % 50);
  }
  uint32_t sum = 0;
  for (int step = 0; step < 15000; step++) {
    for (int i = 0; i < COUNT; i++) {
      struct shape* s = &shapes[i];
      sum += (uint32_t)s->vt->area(s);
      sum ^= (uint32_t)s->vt->perimeter(s) << (step & 7);
      s->vt->move(s, step & 3, 1);
      if ((i + step) % 16 == 0) s->vt->scale(s, step % 5 + 2);
    }
  }
  return sum;
}
