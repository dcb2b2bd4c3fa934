#include <bits/stdc++.h>
long long solve(long long x) { for (;;) std::printf("spam spam spam spam\n"); return 0; }
void solve_print(long long x) {}
