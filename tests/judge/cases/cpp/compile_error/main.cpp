#include <bits/stdc++.h>
long long solve(long long x) { return 2 * x }
