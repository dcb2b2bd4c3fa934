#include <bits/stdc++.h>
long long solve(long long x) {
  std::vector<std::vector<char>> blocks;
  for (;;) blocks.emplace_back(16 << 20, char(x));
  return 0;
}
void solve_print(long long x) {}
