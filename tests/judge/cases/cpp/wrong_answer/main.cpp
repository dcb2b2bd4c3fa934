#include <bits/stdc++.h>
long long solve(long long x) { return x == 3 ? 5 : 2 * x; }
void solve_print(long long x) { std::cout << solve(x) << "\n"; }
