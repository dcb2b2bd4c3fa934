#include "solution.cpp"
#include <bits/stdc++.h>

static int failures = 0;
#define RUN_TEST(name, ...)                                        \
  do {                                                             \
    try {                                                          \
      __VA_ARGS__;                                                 \
      std::cout << "[PASS] " << name << "\n";                      \
    } catch (const std::exception& e) {                            \
      std::cout << "[FAIL] " << name << " " << e.what() << "\n";   \
      ++failures;                                                  \
    }                                                              \
  } while (0)

static void expect_eq(long long got, long long want) {
  if (got != want) throw std::runtime_error("expected " + std::to_string(want) + " got " + std::to_string(got));
}

int main() {
  RUN_TEST("test_case_1", { expect_eq(solve(1), 2); });
  RUN_TEST("test_case_2", { expect_eq(solve(2), 4); });
  RUN_TEST("test_case_3", { expect_eq(solve(3), 6); });
  RUN_TEST("test_case_4", { expect_eq(solve(4), 8); });
  RUN_TEST("test_case_5", {
    std::ostringstream captured;
    std::streambuf* old = std::cout.rdbuf(captured.rdbuf());
    solve_print(5);
    std::cout.rdbuf(old);
    if (captured.str() != "10\n") throw std::runtime_error("bad output");
  });
  RUN_TEST("test_case_6", { expect_eq(solve(0), 0); });
  RUN_TEST("test_case_7", { expect_eq(solve(7), 14); });
  RUN_TEST("test_case_8", { expect_eq(solve(100), 200); });
  return failures == 0 ? 0 : 1;
}
