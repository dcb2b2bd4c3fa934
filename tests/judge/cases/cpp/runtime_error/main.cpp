#include <bits/stdc++.h>
long long solve(long long x) { volatile int* p = nullptr; return *p + x; }
void solve_print(long long x) {}
