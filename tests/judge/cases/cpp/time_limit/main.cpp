#include <bits/stdc++.h>
long long solve(long long x) { volatile long long s = 0; for (;;) s = s + x; return s; }
void solve_print(long long x) {}
