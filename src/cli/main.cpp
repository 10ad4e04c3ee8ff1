#include <cstdio>
int main() { std::puts("kite"); return 0; }
